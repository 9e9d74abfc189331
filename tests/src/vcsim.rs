//! VMware's vCenter simulator (vcsim, from govmomi 0.24.2) as a test server we did not write.
//!
//! [`Vcsim::start`] builds the launcher `tests/vcsim/main.go` with `tests/vcsim/build.sh` (once
//! per process), makes a fresh CA and a leaf certificate for `127.0.0.1`/`localhost` signed by
//! it, and runs the launcher on a free loopback port with that leaf. Clients trust the CA
//! explicitly ([`Vcsim::ca_pem`]); TLS verification stays on. vcsim's own certificate would not
//! do: it is RSA-1024 with `CA:TRUE` on the leaf, which rustls refuses (`CaUsedAsEndEntity`).
//!
//! vcsim holds one in-memory inventory per process, so every `Vcsim` is a process of its own and
//! tests can run in parallel. The launcher's flags and its ready line are described in
//! `tests/vcsim/main.go`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};

use crate::{scratch, tail, workspace_root};

/// How long the launcher may take to print its line (it usually takes well under a second).
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// How long the launcher may take to exit once its standard input is closed, before it is killed.
const EXIT_TIMEOUT: Duration = Duration::from_secs(5);

/// The exit status of `build.sh` when Go or govmomi is missing and cannot be installed.
const UNAVAILABLE: i32 = 3;

/// Why the launcher could not be had.
#[derive(Debug, Clone)]
enum Unavailable {
    /// Go or govmomi cannot be installed here: a skip (a failure under CI).
    Skip(String),
    /// The build itself failed: always a failure.
    Failed(String),
}

/// A running vcsim, stopped (and waited for) on drop.
#[derive(Debug)]
pub struct Vcsim {
    child: Child,
    stdin: Option<ChildStdin>,
    ready: serde_json::Value,
    url: String,
    ca_pem: Vec<u8>,
    dir: PathBuf,
}

impl Vcsim {
    /// Starts a vcsim for `test` (used in messages and to name its scratch directory).
    ///
    /// Returns `None` after printing `SKIPPED: <test>: <reason>` when Go or govmomi cannot be had;
    /// under CI (`CI=true` or `CI=1`) that panics instead. Panics when the build fails or the
    /// launcher does not come up.
    pub fn start(test: &str) -> Option<Vcsim> {
        let binary = match launcher() {
            Ok(binary) => binary,
            Err(Unavailable::Skip(reason)) => {
                if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                    panic!("{test}: vcsim is unavailable, and CI=true makes that a failure: {reason}");
                }
                eprintln!("SKIPPED: {test}: {reason}");
                println!("SKIPPED: {test}: {reason}");
                return None;
            }
            Err(Unavailable::Failed(reason)) => panic!("{test}: {reason}"),
        };
        Some(Self::spawn(test, binary))
    }

    fn spawn(test: &str, binary: &Path) -> Vcsim {
        let name: String = test.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' }).collect();
        let dir = scratch(&format!("vcsim-{name}"));
        let certs = Certificates::generate();
        let (cert, key) = (dir.join("leaf.pem"), dir.join("leaf.key"));
        std::fs::write(&cert, &certs.leaf_pem).expect("write leaf certificate");
        std::fs::write(&key, &certs.leaf_key_pem).expect("write leaf key");
        std::fs::write(dir.join("ca.pem"), &certs.ca_pem).expect("write CA certificate");
        // The model's datastores are directories under TMPDIR, and library storage paths may be
        // relative to the working directory: keep both inside the scratch directory.
        let tmp = dir.join("tmp");
        std::fs::create_dir_all(&tmp).expect("create vcsim TMPDIR");
        let log = std::fs::File::create(dir.join("vcsim.log")).expect("create vcsim.log");

        let mut child = Command::new(binary)
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .args(["-listen", "127.0.0.1:0"])
            .current_dir(&dir)
            .env("TMPDIR", &tmp)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("{test}: run {}: {e}", binary.display()));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");

        // Read the ready line on a thread, so that a launcher that never prints cannot hang us;
        // the thread then drains stdout until the launcher exits.
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = sender.send(lines.next());
            for _ in lines {}
        });
        let mut vcsim =
            Vcsim { child, stdin, ready: serde_json::Value::Null, url: String::new(), ca_pem: certs.ca_pem, dir };
        let line = match receiver.recv_timeout(READY_TIMEOUT) {
            Ok(Some(Ok(line))) => line,
            Ok(other) => panic!("{test}: vcsim exited before it was ready ({other:?}):\n{}", vcsim.log_tail()),
            Err(_) => panic!("{test}: vcsim printed nothing within {READY_TIMEOUT:?}:\n{}", vcsim.log_tail()),
        };
        vcsim.ready = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("{test}: vcsim's ready line is not JSON ({e}): {line}"));
        vcsim.url = vcsim.field("url").to_owned();
        assert!(vcsim.url.starts_with("https://127.0.0.1:"), "{test}: vcsim listens on {}", vcsim.url);
        vcsim
    }

    /// The base URL, `https://127.0.0.1:<port>` (no trailing slash, no path).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The PEM certificate of the CA that signed the server's certificate: the one to trust.
    pub fn ca_pem(&self) -> &[u8] {
        &self.ca_pem
    }

    /// The first datastore's moref value. In vcsim it is a local path plus folder, like
    /// `/…/govcsim-DC0-LocalDS_0-123@folder-5`, not `datastore-NN`; a content library's
    /// `storage_backings` must name it exactly, as vcsim creates the library's directory there.
    pub fn datastore(&self) -> &str {
        self.field("datastore")
    }

    /// The first VM's moref value (`vm-NN`), the VM `DC0_C0_RP0_VM0` of cluster `DC0_C0`.
    pub fn vm(&self) -> &str {
        self.field("vm")
    }

    /// The name of [`Vcsim::vm`].
    pub fn vm_name(&self) -> &str {
        self.field("vm_name")
    }

    /// The moref value of the host running [`Vcsim::vm`] (`host-NN`).
    pub fn host(&self) -> &str {
        self.field("host")
    }

    /// The moref value of the resource pool of [`Vcsim::vm`] (`resgroup-NN`).
    pub fn resource_pool(&self) -> &str {
        self.field("resource_pool")
    }

    /// The moref value of the cluster (`clustercomputeresource-NN`).
    pub fn cluster(&self) -> &str {
        self.field("cluster")
    }

    /// The moref value of the datacenter (`datacenter-NN`).
    pub fn datacenter(&self) -> &str {
        self.field("datacenter")
    }

    /// The whole line the launcher printed when it was ready.
    pub fn ready(&self) -> &serde_json::Value {
        &self.ready
    }

    /// This instance's scratch directory (certificates, `vcsim.log`, datastores).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The last lines vcsim wrote to its log (its standard error), for failure messages.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("vcsim.log")).unwrap_or_default();
        tail(&log, 40)
    }

    fn field(&self, name: &str) -> &str {
        self.ready[name].as_str().unwrap_or_else(|| panic!("vcsim's ready line has no string {name:?}: {}", self.ready))
    }
}

impl Drop for Vcsim {
    /// Closes the launcher's standard input (it then removes its datastores and exits), and kills
    /// it by its process id if it is still running five seconds later.
    fn drop(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + EXIT_TIMEOUT;
        while Instant::now() < deadline {
            match self.child.try_wait() {
                Ok(Some(_)) => return,
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(_) => break,
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The launcher binary, built once per process.
fn launcher() -> Result<&'static Path, Unavailable> {
    static LAUNCHER: OnceLock<Result<PathBuf, Unavailable>> = OnceLock::new();
    LAUNCHER.get_or_init(build).as_deref().map_err(Clone::clone)
}

fn build() -> Result<PathBuf, Unavailable> {
    let root = workspace_root();
    let binary = root.join("target/vcsim/vcsim");
    let script = root.join("tests/vcsim/build.sh");
    let output = Command::new("bash")
        .arg(&script)
        .arg(&binary)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Unavailable::Skip(format!("cannot run bash {}: {e}", script.display())))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => Ok(binary),
        Some(UNAVAILABLE) => Err(Unavailable::Skip(tail(stderr.trim(), 1))),
        _ => {
            Err(Unavailable::Failed(format!("{} failed ({}):\n{}", script.display(), output.status, tail(&stderr, 60))))
        }
    }
}

/// A CA and a server certificate for `127.0.0.1` and `localhost` signed by it, all PEM.
struct Certificates {
    ca_pem: Vec<u8>,
    leaf_pem: Vec<u8>,
    leaf_key_pem: Vec<u8>,
}

impl Certificates {
    /// ECDSA P-256 keys (rcgen's default), made fresh for every server.
    fn generate() -> Self {
        let ca_key = KeyPair::generate().expect("generate CA key");
        let mut ca = CertificateParams::default();
        ca.distinguished_name.push(DnType::CommonName, "vsphere-tests vcsim CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca.self_signed(&ca_key).expect("self-sign CA");
        let issuer = Issuer::new(ca, ca_key);

        let leaf_key = KeyPair::generate().expect("generate leaf key");
        let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("leaf subject alternative names");
        leaf.distinguished_name.push(DnType::CommonName, "127.0.0.1");
        leaf.is_ca = IsCa::ExplicitNoCa;
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).expect("sign leaf");

        Certificates {
            ca_pem: ca_cert.pem().into_bytes(),
            leaf_pem: leaf_cert.pem().into_bytes(),
            leaf_key_pem: leaf_key.serialize_pem().into_bytes(),
        }
    }
}
