//! The bump a release of the generated crate needs, under Cargo's semver rules: the leftmost
//! non-zero part of the version is the one that signals breaking changes.

use super::{Bump, Level, Verdict};

/// The bump from `version` that a change of class `change` needs (`None`: nothing changed).
pub(super) fn bump(version: &str, change: Option<Verdict>) -> Bump {
    let parsed = parse(version);
    let (level, note) = level(parsed, change);
    let to = match (parsed, level) {
        (_, Level::None) => Some(version.to_owned()),
        (Some((major, minor, patch)), level) => Some(next((major, minor, patch), level)),
        (None, _) => None,
    };
    Bump { level, change, from: version.to_owned(), to, note }
}

fn level(version: Option<(u64, u64, u64)>, change: Option<Verdict>) -> (Level, String) {
    let Some(change) = change else {
        return (Level::None, "nothing changed: no release needed".to_owned());
    };
    let rule = match version {
        Some((0, 0, _)) => {
            return (Level::Patch, "a 0.0.z crate: Cargo treats every patch release as incompatible".to_owned());
        }
        Some((0, _, _)) => 0,
        _ => 1,
    };
    match (change, rule) {
        (Verdict::Breaking, 0) => (
            Level::Minor,
            "breaking changes; the crate is 0.x, where a breaking change bumps the minor version".to_owned(),
        ),
        (Verdict::Breaking, _) => (Level::Major, "breaking changes".to_owned()),
        (Verdict::Additive, 0) => {
            (Level::Patch, "additive changes only; the crate is 0.x, where additions bump the patch version".to_owned())
        }
        (Verdict::Additive, _) => (Level::Minor, "additive changes only".to_owned()),
        (Verdict::Patch, _) => (Level::Patch, "no API change: behaviour, wire or documentation only".to_owned()),
    }
}

/// `x.y.z` (a pre-release or build suffix is not a plain version: `None`).
fn parse(version: &str) -> Option<(u64, u64, u64)> {
    let mut parts = version.trim().split('.').map(|p| p.parse::<u64>().ok());
    let parsed = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(parsed)
}

fn next((major, minor, patch): (u64, u64, u64), level: Level) -> String {
    match level {
        Level::Major => format!("{}.0.0", major.saturating_add(1)),
        Level::Minor => format!("{major}.{}.0", minor.saturating_add(1)),
        Level::Patch => format!("{major}.{minor}.{}", patch.saturating_add(1)),
        Level::None => format!("{major}.{minor}.{patch}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_follow_cargo_semver() {
        let cases = [
            ("0.1.0", Some(Verdict::Breaking), Level::Minor, Some("0.2.0")),
            ("0.1.3", Some(Verdict::Additive), Level::Patch, Some("0.1.4")),
            ("0.1.3", Some(Verdict::Patch), Level::Patch, Some("0.1.4")),
            ("1.2.3", Some(Verdict::Breaking), Level::Major, Some("2.0.0")),
            ("1.2.3", Some(Verdict::Additive), Level::Minor, Some("1.3.0")),
            ("1.2.3", Some(Verdict::Patch), Level::Patch, Some("1.2.4")),
            ("0.0.7", Some(Verdict::Additive), Level::Patch, Some("0.0.8")),
            ("1.2.3", None, Level::None, Some("1.2.3")),
            ("1.0.0-rc.1", Some(Verdict::Breaking), Level::Major, None),
            ("banana", Some(Verdict::Additive), Level::Minor, None),
        ];
        for (from, change, level, to) in cases {
            let b = bump(from, change);
            assert_eq!((b.level, b.to.as_deref()), (level, to), "{from} {change:?}");
        }
    }
}
