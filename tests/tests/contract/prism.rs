//! Stoplight Prism (`@stoplight/prism-cli` 5.14.2), installed by `tests/contract/install.sh` into
//! `target/prism/`, run as a mock server of one document: `prism mock -h 127.0.0.1 -p 0 --errors
//! --dynamic --seed 1`. Request validation is always on; `--errors` turns response violations into
//! 500s; `--dynamic --seed 1` generates responses from the schemas, the same for the same request
//! every time. Prism logs the port it took (`-p 0`); its log goes to a file. It is stopped by its
//! process id on drop, also when the test panics.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use vsphere_tests::workspace_root;

/// How long Prism may take to load a document (the merged `vsphere-7.0.3-api` takes about 12 s
/// alone on two cores).
const READY_TIMEOUT: Duration = Duration::from_secs(300);

/// The exit status of `install.sh` when Node or npm is missing.
const UNAVAILABLE: i32 = 3;

/// The Prism the test uses.
pub const VERSION: &str = "5.14.2";

/// Why Prism cannot be had.
#[derive(Debug, Clone)]
pub enum Unavailable {
    /// Node or npm is missing: a skip (a failure under CI).
    Skip(String),
    /// The installation failed: always a failure.
    Failed(String),
}

/// Installs Prism once per process; the path of its CLI.
pub fn install() -> Result<PathBuf, Unavailable> {
    static INSTALLED: OnceLock<Result<PathBuf, Unavailable>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            let script = workspace_root().join("tests/contract/install.sh");
            let output =
                Command::new("bash").arg(&script).output().map_err(|e| Unavailable::Skip(format!("bash: {e}")))?;
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            match output.status.code() {
                Some(0) => Ok(workspace_root().join("target/prism/node_modules/@stoplight/prism-cli/dist/index.js")),
                Some(UNAVAILABLE) => Err(Unavailable::Skip(stderr.trim().to_owned())),
                _ => Err(Unavailable::Failed(format!("{} failed ({}):\n{stderr}", script.display(), output.status))),
            }
        })
        .clone()
}

/// A running Prism, killed on drop.
pub struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Prism {
    /// Starts Prism on `document`, logging to `log`. Panics when it does not come up.
    pub fn start(cli: &Path, document: &Path, log: PathBuf) -> Prism {
        let mut child = Command::new("node")
            .arg(cli)
            .args(["mock", "-h", "127.0.0.1", "-p", "0", "--errors", "--dynamic", "--seed", "1"])
            .arg(document)
            .current_dir(workspace_root().join("target/prism"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start Prism ({}): {e}", cli.display()));
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let mut file = std::fs::File::create(&log).unwrap_or_else(|e| panic!("create {}: {e}", log.display()));
        let mut err_file = file.try_clone().expect("clone the log file");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(port) = listening_port(&line) {
                    let _ = tx.send(port);
                }
                let _ = writeln!(file, "{line}");
            }
        });
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = writeln!(err_file, "{line}");
            }
        });
        let started = Instant::now();
        let port = loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(port) => break port,
                Err(_) if started.elapsed() > READY_TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("Prism did not come up in {READY_TIMEOUT:?}; its log:\n{}", tail_of(&log));
                }
                Err(_) => {
                    if let Ok(Some(status)) = child.try_wait() {
                        std::thread::sleep(Duration::from_millis(200));
                        panic!("Prism exited ({status}) on {}; its log:\n{}", document.display(), tail_of(&log));
                    }
                }
            }
        };
        Prism { child, port, log }
    }

    /// `127.0.0.1:port`.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The resident memory of Prism's processes now, in MiB (Linux; 0 elsewhere).
    pub fn rss_mib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0);
        kib / 1024
    }

    /// The end of its log.
    pub fn log_tail(&self) -> String {
        tail_of(&self.log)
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port of `Prism is listening on http://127.0.0.1:PORT`.
fn listening_port(line: &str) -> Option<u16> {
    let at = line.find("Prism is listening on http://127.0.0.1:")? + "Prism is listening on http://127.0.0.1:".len();
    line[at..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
}

fn tail_of(log: &Path) -> String {
    vsphere_tests::tail(&std::fs::read_to_string(log).unwrap_or_default(), 40)
}
