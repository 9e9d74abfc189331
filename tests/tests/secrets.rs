//! No secret on an error path, on the very operation that puts one in a URL: in `ApiMode::Legacy`,
//! `appliance::recovery::backup::system_name::list` sends the backup location's password in the
//! query of its `/rest` twin. A server that drops the connection, and one that redirects forever,
//! make the call fail; the password must reach the server (it is the `/rest` contract) and must
//! appear in none of the error's `Display`, `Debug` or sources.
//!
//! The program (`tests/programs/secrets.rs`) is built against a crate generated from
//! `vsphere-7.0.3-api/appliance.json` in a scratch workspace pinned to `Cargo.lock`.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

use vsphere_codegen::Config;
use vsphere_tests::{
    assert_ok, cargo_in, check_target_dir, scratch, shared_specs, workspace_root, write_check_workspace,
};

const PASSWORD: &str = "Backup-Pa55w0rd-never-printed";

/// A server on 127.0.0.1 that records each request's first line and answers with `answer`
/// (nothing at all when it is empty), then closes the connection.
fn serve(answer: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let lines = Arc::new(Mutex::new(Vec::new()));
    let seen = lines.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut request = [0u8; 8192];
            let read = stream.read(&mut request).unwrap_or(0);
            let text = String::from_utf8_lossy(&request[..read]).into_owned();
            seen.lock().expect("lock").push(text.lines().next().unwrap_or_default().to_owned());
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (base, lines)
}

#[test]
fn a_password_in_a_rest_query_never_reaches_an_error() {
    let Some(specs) = shared_specs("secrets on error paths") else { return };
    let root = scratch("secrets");
    Config::new()
        .spec(specs.join("vsphere-7.0.3-api/appliance.json"))
        .crate_name("vsphere-appliance")
        .out_dir(root.join("crate"))
        .write()
        .expect("generate appliance.json");
    let program = root.join("program");
    std::fs::create_dir_all(program.join("src")).expect("create the program");
    std::fs::write(
        program.join("Cargo.toml"),
        "[package]\nname = \"secrets-program\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nvsphere = { package = \"vsphere-appliance\", path = \"../crate\" }\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n",
    )
    .expect("write the program's manifest");
    std::fs::copy(workspace_root().join("tests/programs/secrets.rs"), program.join("src/main.rs")).expect("copy");
    write_check_workspace(&root, &["crate", "program"]);
    let build = cargo_in(&root, &["build", "--quiet", "--bin", "secrets-program"]);
    assert_ok(&build, "cargo build of the secrets program");
    let executable = check_target_dir().join("debug").join(format!("secrets-program{}", std::env::consts::EXE_SUFFIX));

    // A connection dropped before any answer, and a redirect to the same URL, forever.
    for (scenario, answer) in [
        ("dropped", ""),
        (
            "redirect loop",
            "HTTP/1.1 302 Found\r\nlocation: /rest/appliance/recovery/backup/system-name?loc_spec.location_password=Backup-Pa55w0rd-never-printed\r\ncontent-length: 0\r\n\r\n",
        ),
    ] {
        let (base, lines) = serve(answer);
        let output = Command::new(&executable)
            .env("BASE_URL", &base)
            .env("PASSWORD", PASSWORD)
            .output()
            .expect("run the program");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{scenario}: the program failed:\n{stdout}\n{stderr}");
        let requests = lines.lock().expect("lock").clone();
        assert!(
            requests.first().is_some_and(|line| line.starts_with("GET /rest/appliance/recovery/backup/system-name?")
                && line.contains(&format!("loc_spec.location_password={PASSWORD}"))),
            "{scenario}: the password must reach the server in the /rest query: {requests:?}"
        );
        assert!(
            stdout.contains("display: could not send `appliance::recovery::backup::system_name::list`: "),
            "{scenario}: the error says what failed:\n{stdout}"
        );
        assert!(stdout.contains("source: "), "{scenario}: the error keeps its cause:\n{stdout}");
        assert!(
            !stdout.contains(PASSWORD) && !stderr.contains(PASSWORD),
            "{scenario}: the password leaked:\n{stdout}\n{stderr}"
        );
        assert!(!stdout.contains(&base), "{scenario}: the URL is in the error:\n{stdout}");
    }
}
