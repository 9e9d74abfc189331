//! The rewriting proxy between the calls program and Prism: for a request whose path and method
//! match a path key with a query, it moves that key's query pairs into the path, as the spec copy
//! Prism reads has them ([`super::rewrite`]): `POST /api/vcenter/vm?action=clone&vmw-task=true&x=1`
//! becomes `POST /api/vcenter/vm/action=clone&vmw-task=true?x=1`. A key whose query is a bare name
//! (`.../file?name`) matches a request that carries that parameter: `/name` is added to the path
//! and the parameter stays in the query, where Prism validates it. Everything else passes as it is.
//!
//! One thread per connection, one request per connection (see `tests/contract/http1.rs`).

use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;

use super::http1::Message;
use super::rewrite::QueryKey;

/// A running proxy, stopped on drop.
pub struct Proxy {
    address: String,
    stop: Arc<AtomicBool>,
    moved: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream` (`127.0.0.1:port`).
    pub fn start(keys: Vec<QueryKey>, upstream: String) -> std::io::Result<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let address = listener.local_addr()?.to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let moved = Arc::new(AtomicUsize::new(0));
        let keys = Arc::new(keys);
        let (flag, count) = (stop.clone(), moved.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (keys, upstream, count) = (keys.clone(), upstream.clone(), count.clone());
                std::thread::spawn(move || serve(stream, &keys, &upstream, &count));
            }
        });
        Ok(Proxy { address, stop, moved, thread: Some(thread) })
    }

    /// `http://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// How many requests had a key's query moved into their path.
    pub fn moved(&self) -> usize {
        self.moved.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(&self.address);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Forwards one request; a failure to reach Prism is answered with a 502 that says why.
fn serve(stream: TcpStream, keys: &[QueryKey], upstream: &str, moved: &AtomicUsize) {
    let Ok(Some(mut request)) = Message::read_from(&stream, true) else { return };
    let (method, target) = request.method_and_target();
    let (method, target) = (method.to_owned(), target.to_owned());
    if let Some(rewritten) = rewrite(&method, &target, keys) {
        moved.fetch_add(1, Ordering::SeqCst);
        request.start = format!("{method} {rewritten} HTTP/1.1");
    }
    let response = super::http1::exchange(upstream, &request).unwrap_or_else(|e| Message {
        start: "HTTP/1.1 502 Bad Gateway".to_owned(),
        headers: vec![("Content-Type".to_owned(), "text/plain".to_owned())],
        body: format!("the proxy could not reach Prism: {e}").into_bytes(),
    });
    let _ = response.write_to(&stream);
}

/// The target with the query of the key it matches moved into the path; `None` if it matches
/// none. The longest matching query wins (`action=clone&vmw-task=true` over `action=clone`).
pub fn rewrite(method: &str, target: &str, keys: &[QueryKey]) -> Option<String> {
    let (path, query) = target.split_once('?')?;
    let key = keys
        .iter()
        .filter(|k| k.method.eq_ignore_ascii_case(method) && template_matches(&k.path, path))
        .filter(|k| query_matches(&k.query, query))
        .max_by_key(|k| k.query.len())?;
    if key.query.contains('=') {
        let rest = query[key.query.len()..].trim_start_matches('&');
        Some(if rest.is_empty() { format!("{path}/{}", key.query) } else { format!("{path}/{}?{rest}", key.query) })
    } else {
        Some(format!("{path}/{}?{query}", key.query))
    }
}

/// Whether a request's query starts with the key's pairs (`action=x` matches `action=x&y=1`), or,
/// for a bare name, carries that parameter.
fn query_matches(key: &str, query: &str) -> bool {
    if key.contains('=') {
        query == key || query.strip_prefix(key).is_some_and(|rest| rest.starts_with('&'))
    } else {
        query.split('&').any(|pair| pair.split_once('=').is_some_and(|(name, _)| name == key))
    }
}

/// Whether a path matches a key's path template, segment by segment (`{x}` in a segment matches
/// any text between that segment's literal parts, as in `id:{tag}`).
fn template_matches(template: &str, path: &str) -> bool {
    let (template, path): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len()
        && template.iter().zip(&path).all(|(t, p)| match (t.find('{'), t.rfind('}')) {
            (Some(open), Some(close)) if open < close => {
                let (prefix, suffix) = (&t[..open], &t[close + 1..]);
                p.len() >= prefix.len() + suffix.len() && p.starts_with(prefix) && p.ends_with(suffix)
            }
            _ => t == p,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(method: &str, path: &str, query: &str) -> QueryKey {
        QueryKey { method: method.to_owned(), path: path.to_owned(), query: query.to_owned() }
    }

    #[test]
    fn the_longest_matching_key_query_moves_into_the_path() {
        let keys = [
            key("post", "/api/vcenter/vm", "action=clone"),
            key("post", "/api/vcenter/vm", "action=clone&vmw-task=true"),
            key("post", "/api/vcenter/vm/{vm}", "action=relocate"),
            key("post", "/rest/com/vmware/cis/tagging/tag/id:{tag_id}", "~action=add-to-used-by"),
        ];
        let rewrite = |m: &str, t: &str| rewrite(m, t, &keys);
        assert_eq!(rewrite("POST", "/api/vcenter/vm?action=clone").as_deref(), Some("/api/vcenter/vm/action=clone"));
        assert_eq!(
            rewrite("POST", "/api/vcenter/vm?action=clone&vmw-task=true&x=1").as_deref(),
            Some("/api/vcenter/vm/action=clone&vmw-task=true?x=1")
        );
        assert_eq!(
            rewrite("POST", "/api/vcenter/vm/vm-1?action=relocate").as_deref(),
            Some("/api/vcenter/vm/vm-1/action=relocate")
        );
        assert_eq!(
            rewrite("POST", "/rest/com/vmware/cis/tagging/tag/id:urn%3A1?~action=add-to-used-by").as_deref(),
            Some("/rest/com/vmware/cis/tagging/tag/id:urn%3A1/~action=add-to-used-by")
        );
        assert_eq!(rewrite("GET", "/api/vcenter/vm?action=clone"), None, "another method");
        assert_eq!(rewrite("POST", "/api/vcenter/vm?action=clones"), None, "another value");
        assert_eq!(rewrite("POST", "/api/vcenter/vm"), None);
        assert_eq!(rewrite("POST", "/api/vcenter/vm/a/b?action=relocate"), None, "another path");
    }

    #[test]
    fn a_bare_name_key_matches_a_request_with_that_parameter() {
        let keys = [key("get", "/api/content/library/item/{id}/file", "name")];
        assert_eq!(
            rewrite("GET", "/api/content/library/item/i-1/file?name=a.ovf", &keys).as_deref(),
            Some("/api/content/library/item/i-1/file/name?name=a.ovf")
        );
        assert_eq!(rewrite("GET", "/api/content/library/item/i-1/file?other=1", &keys), None);
        assert_eq!(rewrite("GET", "/api/content/library/item/i-1/file", &keys), None);
    }
}
