//! Judging the calls program's lines: each operation of a mode is covered, violates the spec,
//! or is left out (with the reason); violations the checked-in allow-list names are the spec's
//! fault, reported and not counted; an allow-list entry that nothing matches is an error.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Deserialize;
use serde_json::Value;

/// One entry of `tests/contract/allow-list.yaml`: a violation that is the spec's fault.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allowed {
    /// The corpus (`spec`, `vsphere-7.0.3-api`, `vsphere-7.0.3-oas3`).
    pub corpus: String,
    /// `Current` or `Legacy`; both when absent.
    #[serde(default)]
    pub mode: Option<String>,
    /// The generated function, such as `vcenter::vm::get`.
    pub function: String,
    /// Text the violation contains.
    pub violation: String,
    /// Why the spec, not the generated code, is wrong.
    pub reason: String,
}

/// Why an operation whose only violations the allow-list names is left out.
const ALLOWED: &str = "the spec is wrong (tests/contract/allow-list.yaml)";

/// How one operation fared in one mode.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Every request it sent was accepted and every response decoded.
    Covered,
    /// It was not sent, or not judged (or only the allow-list's violations were found): why.
    LeftOut(String),
    /// What went wrong, one report per request.
    Violations(Vec<String>),
}

/// The verdicts of one corpus in one mode.
#[derive(Debug, Default)]
pub struct Tally {
    /// By function.
    pub verdicts: BTreeMap<String, Verdict>,
    /// Functions not in this mode (legacy mode: no `/rest` twin).
    pub not_in_mode: usize,
    /// Requests sent.
    pub requests: usize,
    /// Violations the allow-list accounts for: (function, violation).
    pub allowed: Vec<(String, String)>,
}

impl Tally {
    /// `contract: <corpus> <Mode>: N operations, C covered, V violations, L left out`.
    pub fn line(&self, corpus: &str, mode: &str) -> String {
        let count = |f: fn(&Verdict) -> bool| self.verdicts.values().filter(|v| f(v)).count();
        format!(
            "contract: {corpus} {mode}: {} operations, {} covered, {} violations, {} left out",
            self.verdicts.len(),
            count(|v| *v == Verdict::Covered),
            count(|v| matches!(v, Verdict::Violations(_))),
            count(|v| matches!(v, Verdict::LeftOut(_))),
        )
    }

    /// The operations left out, by reason.
    pub fn left_out(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (function, verdict) in &self.verdicts {
            if let Verdict::LeftOut(why) = verdict {
                out.entry(why.as_str()).or_default().push(function);
            }
        }
        out
    }
}

/// Judges the program's lines for one corpus and mode.
///
/// `routes` holds `METHOD key` of every operation in the corpus's specs: a call whose route is
/// not among them (a 9.x `x-vmw-doc-deprecated-path` twin that no spec describes) is left out.
pub fn judge(
    lines: &str,
    corpus: &str,
    mode: &str,
    routes: &BTreeSet<String>,
    allow: &[Allowed],
    used: &mut [bool],
) -> Result<Tally, String> {
    let mut tally = Tally::default();
    let mut reports: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut left_out: BTreeMap<String, String> = BTreeMap::new();
    for text in lines.lines().filter(|l| l.starts_with('{')) {
        let line: Value = serde_json::from_str(text).map_err(|e| format!("a line that is not JSON ({e}): {text}"))?;
        let function = line["function"].as_str().unwrap_or_default().to_owned();
        let entry = reports.entry(function.clone()).or_default();
        match (line["sent"].as_bool(), line["why"].as_str()) {
            (Some(false), Some("no /rest twin")) => {
                reports.remove(&function);
                tally.not_in_mode += 1;
            }
            (Some(false), Some(why)) if why.contains("is not available on the /rest surface") => {
                left_out.insert(function, format!("unbridged /rest twin: {}", why.rsplit(": ").next().unwrap_or(why)));
            }
            (Some(false), why) => entry.push(format!("the request could not be built: {}", why.unwrap_or("?"))),
            _ if line.get("same_as").is_some() => {}
            _ if !line["outcome"]["route"].as_str().is_some_and(|r| routes.contains(&decode(r))) => {
                let route = line["outcome"]["route"].as_str().unwrap_or("?");
                left_out
                    .entry(function)
                    .or_insert(format!("its route is in no spec of the corpus ({})", route_kind(route)));
            }
            _ => {
                tally.requests += 1;
                let variant = line["variant"].as_str().unwrap_or_default();
                match outcome(&line["outcome"]) {
                    Outcome::Fine => {}
                    Outcome::NoResponse(why) => {
                        left_out.entry(function).or_insert(why);
                    }
                    Outcome::Bad(problems) => {
                        for problem in problems {
                            let hit = allow.iter().position(|a| {
                                a.corpus == corpus
                                    && a.mode.as_deref().is_none_or(|m| m == mode)
                                    && a.function == function
                                    && problem.contains(&a.violation)
                            });
                            match hit {
                                Some(i) => {
                                    used[i] = true;
                                    tally.allowed.push((function.clone(), problem));
                                    left_out.entry(function.clone()).or_insert_with(|| ALLOWED.to_owned());
                                }
                                None => entry.push(report(variant, &line["outcome"], &problem)),
                            }
                        }
                    }
                }
            }
        }
    }
    for (function, problems) in reports {
        let verdict = match (problems.is_empty(), left_out.remove(&function)) {
            (false, _) => Verdict::Violations(problems),
            (true, Some(why)) => Verdict::LeftOut(why),
            (true, None) => Verdict::Covered,
        };
        tally.verdicts.insert(function, verdict);
    }
    for (function, why) in left_out {
        tally.verdicts.insert(function, Verdict::LeftOut(why));
    }
    Ok(tally)
}

/// What one exchange says.
enum Outcome {
    /// The request was accepted and the response decoded.
    Fine,
    /// The request was accepted, but Prism could not make a valid response: why.
    NoResponse(String),
    /// What was wrong.
    Bad(Vec<String>),
}

fn outcome(o: &Value) -> Outcome {
    if let Some(error) = o["transport"].as_str() {
        return Outcome::Bad(vec![format!("transport: {error}")]);
    }
    let status = o["status"].as_u64().unwrap_or(0);
    let mut problems = request_violations(o);
    match (o["operation"].as_str(), o["route"].as_str()) {
        (Some(got), Some(want)) if !same_route(got, want, o["uri"].as_str().unwrap_or("")) => {
            problems.push(format!("routed by Prism to `{got}`, not to `{want}`"));
        }
        _ => {}
    }
    if !problems.is_empty() {
        return Outcome::Bad(problems);
    }
    let body: Value = o["response"].as_str().and_then(|b| serde_json::from_str(b).ok()).unwrap_or(Value::Null);
    match status {
        200..=299 => match o["decode"].as_str() {
            Some(error) => Outcome::Bad(vec![format!("the response does not decode: {error}")]),
            None if o["operation"].is_null() => Outcome::Bad(vec!["a 2xx without the routing header".to_owned()]),
            None => Outcome::Fine,
        },
        500..=599 if status != 502 => {
            let title = body["title"].as_str().or(body["detail"].as_str()).unwrap_or("no title");
            let kind = body["type"].as_str().unwrap_or("").rsplit('#').next().unwrap_or("");
            Outcome::NoResponse(format!(
                "Prism could not make a valid response ({status} {kind}: {})",
                first_line(title)
            ))
        }
        _ => {
            let what = body["title"]
                .as_str()
                .or(body["detail"].as_str())
                .map(str::to_owned)
                .unwrap_or_else(|| first_line(o["response"].as_str().unwrap_or("")).chars().take(300).collect());
            Outcome::Bad(vec![format!("HTTP {status}: {what}")])
        }
    }
}

/// The request violations Prism reports, in the `sl-violations` header or in a 422's body.
fn request_violations(o: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let entries: Vec<Value> = match o["violations"].as_str() {
        Some(text) => match serde_json::from_str::<Vec<Value>>(text) {
            Ok(entries) => entries,
            // Past 8 KB Prism cuts the header to `Too many violations! <the start>`.
            Err(_) if text.contains(r#""location":["request""#) => {
                return vec![format!("violations: {}", text.chars().take(2000).collect::<String>())];
            }
            Err(_) => Vec::new(),
        },
        None => Vec::new(),
    };
    let body: Value = o["response"].as_str().and_then(|b| serde_json::from_str(b).ok()).unwrap_or(Value::Null);
    let from_body = body["validation"].as_array().cloned().unwrap_or_default();
    // Locations start with `request` in the header and leave it out in a 422's body; `response`
    // entries are Prism's own (a response it made that fails its schema).
    let of_request = |e: &&Value| e["location"][0] != "response";
    for entry in entries.iter().chain(&from_body).filter(of_request) {
        let location: Vec<&str> =
            entry["location"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        out.push(format!("{} [{}] at {}", entry["message"].as_str().unwrap_or("?"), entry["code"], location.join(".")));
    }
    out
}

/// Whether Prism's routing mark names the route the call took: the same method and path key
/// (percent-encoding aside). A key whose query is a bare parameter name (`.../file?name`) is the
/// route without it when the request carries that parameter (the route leaves the name to the
/// parameter, see `route_query` in the generator).
fn same_route(got: &str, want: &str, uri: &str) -> bool {
    let (got, want) = (decode(got), decode(want));
    if got == want {
        return true;
    }
    let Some((base, names)) = got.split_once('?') else { return false };
    let sent: Vec<&str> = uri
        .split_once('?')
        .map_or("", |(_, q)| q)
        .split('&')
        .filter_map(|p| p.split_once('=').map(|(n, _)| n))
        .collect();
    names.split('&').all(|n| !n.contains('=') && sent.contains(&n)) && base == want
}

/// Percent-decodes a route (`METHOD template`).
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()),
        ) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `/rest` or `/api`, for the reason a route is left out.
fn route_kind(route: &str) -> &'static str {
    if route.contains(" /rest/") { "a /rest twin named by `x-vmw-doc-deprecated-path`" } else { "an /api route" }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// One violation, with the request and what came back.
fn report(variant: &str, o: &Value, problem: &str) -> String {
    let mut out = format!(
        "[{variant}] {problem}\n    request: {} {}",
        o["method"].as_str().unwrap_or("?"),
        o["uri"].as_str().unwrap_or("?")
    );
    if let Some(body) = o["body"].as_str().filter(|b| !b.is_empty()) {
        let _ = write!(out, "\n    body: {}", body.chars().take(3000).collect::<String>());
    }
    if let Some(status) = o["status"].as_u64() {
        let _ = write!(out, "\n    response: {status}");
        if let Some(body) = o["response"].as_str().filter(|b| !b.is_empty()) {
            let _ = write!(out, " {}", body.chars().take(3000).collect::<String>());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_their_marks() {
        assert!(same_route("POST /api/vm?action=clone", "POST /api/vm?action=clone", "/api/vm?action=clone"));
        assert!(same_route("GET /rest/a/id:{x}", "GET /rest/a/id%3A{x}", "/rest/a/id:1"));
        assert!(!same_route("POST /api/vm", "POST /api/vm?action=clone", "/api/vm?action=clone"));
        let file = "GET /api/item/{id}/file";
        assert!(same_route("GET /api/item/{id}/file?name", file, "/api/item/i/file?name=a"));
        assert!(!same_route("GET /api/item/{id}/file?name", file, "/api/item/i/file"), "the parameter was not sent");
    }

    fn line(function: &str, variant: &str, outcome: Value) -> String {
        serde_json::json!({"function": function, "source": "f.json", "variant": variant, "sent": true, "outcome": outcome})
            .to_string()
    }

    fn sent(status: u16, extra: Value) -> Value {
        let mut o =
            serde_json::json!({"method": "GET", "uri": "/api/x", "body": "", "route": "GET /api/x", "status": status});
        if status < 300 {
            o["operation"] = serde_json::json!("GET /api/x");
        }
        for (k, v) in extra.as_object().into_iter().flatten() {
            o[k] = v.clone();
        }
        o
    }

    fn run(lines: &[String], allow: &[Allowed]) -> (Tally, Vec<bool>) {
        let routes = BTreeSet::from(["GET /api/x".to_owned()]);
        let mut used = vec![false; allow.len()];
        let tally = judge(&lines.join("\n"), "c", "Current", &routes, allow, &mut used).expect("judged");
        (tally, used)
    }

    #[test]
    fn violations_wrong_routes_and_undecodable_bodies_fail_and_prism_failures_are_left_out() {
        let violation =
            r#"[{"location":["request","query","n"],"severity":"Error","code":"type","message":"must be integer"}]"#;
        let lines = [
            line("a::ok", "required", sent(200, serde_json::json!({}))),
            line("a::bad", "required", sent(400, serde_json::json!({"violations": violation, "response": "{}"}))),
            line("a::undecodable", "full", sent(200, serde_json::json!({"decode": "missing field `id`"}))),
            line("a::elsewhere", "required", sent(200, serde_json::json!({"operation": "GET /api/y"}))),
            line(
                "a::prism",
                "required",
                sent(500, serde_json::json!({"response": r#"{"type": "x#UNKNOWN", "title": "jsf"}"#})),
            ),
            line("a::nowhere", "required", serde_json::json!({"route": "GET /rest/x", "status": 404})),
        ];
        let (tally, _) = run(&lines, &[]);
        assert_eq!(tally.verdicts["a::ok"], Verdict::Covered);
        for (function, text) in
            [("a::bad", "must be integer"), ("a::undecodable", "does not decode"), ("a::elsewhere", "routed by Prism")]
        {
            match &tally.verdicts[function] {
                Verdict::Violations(reports) => assert!(reports[0].contains(text), "{reports:?}"),
                other => panic!("{function}: {other:?}"),
            }
        }
        assert!(matches!(&tally.verdicts["a::prism"], Verdict::LeftOut(why) if why.contains("UNKNOWN")));
        assert!(matches!(&tally.verdicts["a::nowhere"], Verdict::LeftOut(why) if why.contains("no spec")));
        assert_eq!(
            tally.line("c", "Current"),
            "contract: c Current: 6 operations, 1 covered, 3 violations, 2 left out"
        );
    }

    #[test]
    fn the_allow_list_accounts_for_what_it_names_only() {
        let violation = r#"[{"location":["request","body"],"severity":"Error","code":"type","message":"Request body must be boolean"}]"#;
        let lines = [line("a::bad", "required", sent(400, serde_json::json!({"violations": violation})))];
        let entry = |function: &str, mode: Option<&str>| Allowed {
            corpus: "c".into(),
            mode: mode.map(str::to_owned),
            function: function.into(),
            violation: "must be boolean".into(),
            reason: "the spec says so".into(),
        };
        let (tally, used) =
            run(&lines, &[entry("a::bad", None), entry("a::other", None), entry("a::bad", Some("Legacy"))]);
        assert!(matches!(&tally.verdicts["a::bad"], Verdict::LeftOut(why) if why.contains("allow-list")));
        assert_eq!(used, [true, false, false], "the unused entries are reported by the caller");
        let (tally, _) = run(&lines, &[]);
        assert!(matches!(tally.verdicts["a::bad"], Verdict::Violations(_)));
    }
}
