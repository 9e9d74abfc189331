//! progenitor's library on one spec file, as its README shows it used from a build script:
//! parse, generate tokens, print with prettyplease (no rustfmt), write one file.
//!
//! Usage: `progenitor-bench <spec.json> <out.rs>`; prints its phases to standard error.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: progenitor-bench <spec.json> <out.rs>");
        return ExitCode::FAILURE;
    };
    match generate(input, output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{input}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate(input: &str, output: &str) -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let spec: openapiv3::OpenAPI = serde_json::from_str(&std::fs::read_to_string(input)?)?;
    let parsed = Instant::now();
    let tokens = progenitor::Generator::new(&progenitor::GenerationSettings::default()).generate_tokens(&spec)?;
    let generated = Instant::now();
    let text = prettyplease::unparse(&syn::parse2(tokens)?);
    std::fs::write(output, &text)?;
    let written = Instant::now();
    eprintln!(
        "{input}: parse {:?}, generate {:?}, print and write {:?}; {} lines",
        parsed - start,
        generated - parsed,
        written - generated,
        text.lines().count()
    );
    Ok(())
}
