//! Just enough HTTP/1.1 for the contract tests: one request per connection (`Connection: close`),
//! bodies by `Content-Length`, chunked or to the end. Shared by the calls program (its client) and
//! the rewriting proxy in `tests/tests/contract/` (both sides), so neither needs an HTTP stack.
//! Each side uses part of it.
#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// How long a read or write may stall before the exchange fails.
const TIMEOUT: Duration = Duration::from_secs(120);

/// A request or a response: its first line, its headers and its body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Message {
    /// `GET /path?query HTTP/1.1`, or `HTTP/1.1 200 OK`.
    pub start: String,
    /// Headers in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Message {
    /// The first value of a header, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The status code of a response.
    pub fn status(&self) -> u16 {
        self.start.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
    }

    /// The method and the target of a request.
    pub fn method_and_target(&self) -> (&str, &str) {
        let mut parts = self.start.split(' ');
        (parts.next().unwrap_or(""), parts.next().unwrap_or(""))
    }

    /// Writes the message with `Content-Length` and `Connection: close` (replacing any framing
    /// headers it had).
    pub fn write_to(&self, mut out: impl Write) -> io::Result<()> {
        let mut head = format!("{}\r\n", self.start);
        for (name, value) in &self.headers {
            let framing = ["content-length", "transfer-encoding", "connection", "keep-alive"];
            if !framing.iter().any(|f| name.eq_ignore_ascii_case(f)) {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", self.body.len()));
        out.write_all(head.as_bytes())?;
        out.write_all(&self.body)?;
        out.flush()
    }

    /// Reads one message. `request` tells how a body without framing ends: a request has none, a
    /// response runs to the end of the stream. `Ok(None)` when the stream ends before any byte.
    pub fn read_from(stream: impl Read, request: bool) -> io::Result<Option<Message>> {
        let mut reader = BufReader::new(stream);
        let mut start = String::new();
        if reader.read_line(&mut start)? == 0 {
            return Ok(None);
        }
        let mut message = Message { start: start.trim_end().to_owned(), ..Message::default() };
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the headers do not end"));
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                message.headers.push((name.trim().to_owned(), value.trim().to_owned()));
            }
        }
        let chunked = message.header("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked"));
        let length = message.header("content-length").and_then(|l| l.parse::<usize>().ok());
        message.body = match (chunked, length) {
            (true, _) => read_chunked(&mut reader)?,
            (false, Some(length)) => {
                let mut body = vec![0; length];
                reader.read_exact(&mut body)?;
                body
            }
            (false, None) if request => Vec::new(),
            (false, None) => {
                let mut body = Vec::new();
                reader.read_to_end(&mut body)?;
                body
            }
        };
        Ok(Some(message))
    }
}

fn read_chunked(reader: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or(""), 16)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "a bad chunk size"))?;
        if size == 0 {
            let mut trailer = String::new();
            while reader.read_line(&mut trailer)? > 2 {
                trailer.clear();
            }
            return Ok(body);
        }
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk)?;
        body.extend_from_slice(&chunk[..size]);
    }
}

/// Sends `message` to `address` (`127.0.0.1:port`) on a new connection and reads the response.
pub fn exchange(address: &str, message: &Message) -> io::Result<Message> {
    let stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    message.write_to(&stream)?;
    Message::read_from(&stream, false)?
        .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "the connection closed without a response"))
}
