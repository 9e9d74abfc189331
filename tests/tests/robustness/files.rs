//! The file-based tests: every real spec of `../shared/specs/*/` with a tenth of its paths removed,
//! truncated at a random byte, and truncated then closed; three seeds each.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use crate::run::{Outcome, check_outcome, generate};

/// The fixed seeds of the file-based tests.
const SEEDS: [u64; 3] = [0x5EED_0001, 0x00C0_FFEE, 0x2024_0607];

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

// A seeded PRNG (splitmix64): small, and the same on every platform.

struct SplitMix64(u64);

impl SplitMix64 {
    /// The stream of `seed` for one file, so that files do not share their random choices.
    fn for_file(seed: u64, label: &str) -> Self {
        // FNV-1a of the label.
        let hash = label
            .bytes()
            .fold(0xCBF2_9CE4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3));
        Self(seed ^ hash)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `k` distinct indices of `0..n`, sorted (a partial Fisher-Yates shuffle).
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let k = k.min(n);
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..k {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all.sort_unstable();
        all
    }

    /// A byte offset to cut `len` bytes at: neither 0 nor `len`.
    fn cut(&mut self, len: usize) -> usize {
        1 + self.below(len - 1)
    }
}

/// Every `.json`, `.yaml` and `.yml` file of every folder of `dir`, as (label, path), sorted;
/// the label is `folder/file`, and `ROBUSTNESS_FILE` filters it.
fn spec_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let filter = std::env::var("ROBUSTNESS_FILE").unwrap_or_default();
    let mut out = Vec::new();
    for folder in std::fs::read_dir(dir).expect("read the shared specs").flatten() {
        let folder = folder.path();
        if !folder.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&folder).expect("read a spec folder").flatten() {
            let path = file.path();
            if !matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")) {
                continue;
            }
            let label = format!(
                "{}/{}",
                folder.file_name().expect("a folder name").to_string_lossy(),
                path.file_name().expect("a file name").to_string_lossy()
            );
            if label.contains(&filter) {
                out.push((label, path));
            }
        }
    }
    out.sort();
    assert!(
        !out.is_empty(),
        "no spec file in {} matches ROBUSTNESS_FILE={filter:?}: a filter that selects nothing would test nothing",
        dir.display()
    );
    out
}

fn is_json(label: &str) -> bool {
    label.ends_with(".json")
}

/// Operations of a spec: HTTP methods under every path item.
fn json_operations(doc: &Value) -> usize {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return 0 };
    paths
        .iter()
        .filter(|(key, _)| !key.starts_with("x-"))
        .filter_map(|(_, item)| item.as_object())
        .map(|item| item.keys().filter(|k| METHODS.contains(&k.as_str())).count())
        .sum()
}

/// Removes a tenth (rounded up) of the `paths` entries, chosen by `rng`; the removed keys.
fn remove_json_paths(doc: &mut Value, rng: &mut SplitMix64) -> Vec<String> {
    let paths = doc.get_mut("paths").and_then(Value::as_object_mut).expect("a shared spec has `paths`");
    let mut keys: Vec<String> = paths.keys().filter(|k| !k.starts_with("x-")).cloned().collect();
    keys.sort();
    let removed: Vec<String> =
        rng.sample(keys.len(), keys.len().div_ceil(10)).into_iter().map(|i| keys[i].clone()).collect();
    for key in &removed {
        paths.remove(key);
    }
    removed
}

/// A block-style YAML spec read as lines: its path items and their methods. Good enough for the
/// specs at hand (the tests crate has no YAML parser); [`yaml_paths`] says `None` otherwise.
struct YamlPaths<'t> {
    lines: Vec<&'t str>,
    /// Each path item's key and lines (key line to the line before the next key).
    items: Vec<(String, std::ops::Range<usize>)>,
    /// Indentation of method keys.
    method_indent: usize,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn yaml_paths(text: &str) -> Option<YamlPaths<'_>> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.trim_end() == "paths:")? + 1;
    let end = (start..lines.len())
        .find(|&i| !lines[i].is_empty() && !lines[i].starts_with([' ', '#']))
        .unwrap_or(lines.len());
    let content = |i: &usize| !lines[*i].trim().is_empty() && !lines[*i].trim_start().starts_with('#');
    let key_indent = indent(lines[(start..end).find(content)?]);
    let starts: Vec<usize> = (start..end).filter(|i| content(i) && indent(lines[*i]) == key_indent).collect();
    let mut items = Vec::new();
    for (n, &s) in starts.iter().enumerate() {
        let key = lines[s].trim().strip_suffix(':')?.trim_matches(['"', '\'']).to_owned();
        items.push((key, s..starts.get(n + 1).copied().unwrap_or(end)));
    }
    let first = &items.first()?.1;
    let method_indent = indent(lines[(first.start + 1..first.end).find(content)?]);
    Some(YamlPaths { lines, items, method_indent })
}

/// [`remove_json_paths`] for YAML text: the changed text, the removed keys and the operations left.
fn remove_yaml_paths(text: &str, rng: &mut SplitMix64) -> Option<(String, Vec<String>, usize)> {
    let parsed = yaml_paths(text)?;
    let n = parsed.items.len();
    let chosen = rng.sample(n, n.div_ceil(10));
    let mut keep = vec![true; parsed.lines.len()];
    let mut removed = Vec::new();
    let mut operations = 0;
    for (i, (key, range)) in parsed.items.iter().enumerate() {
        if chosen.contains(&i) {
            removed.push(key.clone());
            keep[range.clone()].iter_mut().for_each(|k| *k = false);
        } else {
            operations += parsed.lines[range.clone()]
                .iter()
                .filter(|l| indent(l) == parsed.method_indent)
                .filter(|l| l.trim().strip_suffix(':').is_some_and(|k| METHODS.contains(&k)))
                .count();
        }
    }
    let mut out: String = parsed.lines.iter().zip(&keep).filter(|(_, k)| **k).map(|(l, _)| format!("{l}\n")).collect();
    if removed.len() == n {
        // `paths:` with nothing below would be `null`; keep it a mapping.
        out = out.replacen("\npaths:\n", "\npaths: {}\n", 1);
    }
    Some((out, removed, operations))
}

/// Cuts a JSON text back to the last point where all open objects and arrays can be closed (just
/// after a `{` or `[`, just before a `,`, just after a `}` or `]`) and closes them: a valid
/// document that is a part of the whole. `None` if the text is already complete.
fn close_json_prefix(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut closers: Vec<u8> = Vec::new();
    let mut safe: Option<(usize, Vec<u8>)> = None;
    let (mut in_string, mut escaped) = (false, false);
    for (i, &b) in prefix.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                closers.push(if b == b'{' { b'}' } else { b']' });
                safe = Some((i + 1, closers.clone()));
            }
            b'}' | b']' => {
                closers.pop();
                if closers.is_empty() {
                    return None;
                }
                safe = Some((i + 1, closers.clone()));
            }
            b',' => safe = Some((i, closers.clone())),
            _ => {}
        }
    }
    let (at, closers) = safe?;
    let mut out = prefix[..at].to_vec();
    out.extend(closers.iter().rev());
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// 1. A tenth of the paths removed.

#[test]
fn removing_a_tenth_of_the_paths() {
    let Some(dir) = vsphere_tests::shared_specs("removing_a_tenth_of_the_paths") else { return };
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut runs = 0;
    for (label, path) in spec_files(&dir) {
        let bytes = std::fs::read(&path).expect("read a spec");
        for seed in SEEDS {
            let mut rng = SplitMix64::for_file(seed, &label);
            let (mutated, removed, operations) = if is_json(&label) {
                let mut doc: Value = serde_json::from_slice(&bytes).expect("a shared JSON spec parses");
                let removed = remove_json_paths(&mut doc, &mut rng);
                let operations = json_operations(&doc);
                (serde_json::to_vec_pretty(&doc).expect("serialize"), removed, operations)
            } else {
                let text = std::str::from_utf8(&bytes).expect("a shared YAML spec is UTF-8");
                let Some((text, removed, operations)) = remove_yaml_paths(text, &mut rng) else {
                    failures.push(format!("{label}: the test does not know this YAML layout; teach `yaml_paths`"));
                    break;
                };
                (text.into_bytes(), removed, operations)
            };
            runs += 1;
            let context =
                format!("{label} (seed {seed:#x}; removed {} paths, first {:?})", removed.len(), removed.first());
            let outcome = generate(&label, mutated);
            eprintln!("{context}: {}", outcome.summary());
            if let Err(why) = check_outcome(&label, &outcome, Some(operations)) {
                failures.push(format!("{context}: {why}"));
            }
        }
    }
    eprintln!("removing_a_tenth_of_the_paths: {runs} runs in {:.1?}", started.elapsed());
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// 2. Truncated at a random byte.

#[test]
fn truncating_at_a_random_byte() {
    let Some(dir) = vsphere_tests::shared_specs("truncating_at_a_random_byte") else { return };
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut runs = 0;
    for (label, path) in spec_files(&dir) {
        let bytes = std::fs::read(&path).expect("read a spec");
        for seed in SEEDS {
            let at = SplitMix64::for_file(seed, &label).cut(bytes.len());
            runs += 1;
            let context = format!("{label} (seed {seed:#x}; cut at byte {at} of {})", bytes.len());
            let outcome = generate(&label, bytes[..at].to_vec());
            eprintln!("{context}: {}", outcome.summary());
            // A YAML file cut short can still be a valid document, so generated code is fine too.
            let result = check_outcome(&label, &outcome, None).and_then(|()| match &outcome {
                Outcome::Failed(error) if is_json(&label) => {
                    let text = error.to_string();
                    if text.contains(" line ") && text.contains(" column ") {
                        Ok(())
                    } else {
                        Err(format!("a JSON syntax error without line and column: {text}"))
                    }
                }
                _ => Ok(()),
            });
            if let Err(why) = result {
                failures.push(format!("{context}: {why}"));
            }
        }
    }
    eprintln!("truncating_at_a_random_byte: {runs} runs in {:.1?}", started.elapsed());
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

/// The cuts of [`truncating_at_a_random_byte`] (same seeds, same offsets) on the JSON files, with
/// the open objects and arrays closed: every run parses, and reaches validation and lowering with
/// a spec whose later paths and components are missing.
#[test]
fn truncating_and_closing() {
    let Some(dir) = vsphere_tests::shared_specs("truncating_and_closing") else { return };
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut runs = 0;
    for (label, path) in spec_files(&dir).into_iter().filter(|(label, _)| is_json(label)) {
        let bytes = std::fs::read(&path).expect("read a spec");
        for seed in SEEDS {
            let at = SplitMix64::for_file(seed, &label).cut(bytes.len());
            let context = format!("{label} (seed {seed:#x}; cut at byte {at} of {} and closed)", bytes.len());
            let Some(closed) = close_json_prefix(&bytes[..at]) else { continue };
            let doc: Value = match serde_json::from_slice(&closed) {
                Ok(doc) => doc,
                Err(e) => {
                    failures.push(format!("{context}: the test closed the cut badly: {e}"));
                    continue;
                }
            };
            runs += 1;
            let outcome = generate(&label, closed);
            eprintln!("{context}: {}", outcome.summary());
            if let Err(why) = check_outcome(&label, &outcome, Some(json_operations(&doc))) {
                failures.push(format!("{context}: {why}"));
            }
        }
    }
    eprintln!("truncating_and_closing: {runs} runs in {:.1?}", started.elapsed());
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}
