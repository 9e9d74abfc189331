//! A string that matches a schema's `pattern`: the common subset of ECMA-262 regular expressions
//! (literals and escapes, `.`, classes, groups, alternation, quantifiers, anchors). Lookaround and
//! back-references are not supported: [`sample`] gives `None` and the caller falls back to a value
//! from the type.
//!
//! The string is one deterministic match: the first alternative of every alternation, the first
//! character of every class, and the least repetition of every quantifier but one (`*` and `?`
//! repeat once, so optional parts are exercised).

/// One parsed piece of a pattern.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// Characters that must appear: one of these (a literal is a class of one).
    Class(Vec<(char, char)>, bool),
    /// Alternatives, each a sequence.
    Group(Vec<Vec<Node>>),
    /// A repeated node: at least, at most.
    Repeat(Box<Node>, usize, Option<usize>),
}

/// A string the pattern matches, or `None` if the pattern uses what this does not support.
pub(crate) fn sample(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut parser = Parser { chars: &chars, at: 0 };
    let alternatives = parser.alternatives()?;
    if parser.at != chars.len() {
        return None;
    }
    let mut out = String::new();
    render(&Node::Group(alternatives), &mut out)?;
    Some(out)
}

fn render(node: &Node, out: &mut String) -> Option<()> {
    match node {
        Node::Class(ranges, false) => out.push(ranges.first()?.0),
        Node::Class(ranges, true) => {
            let inside = |c: char| ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c));
            out.push(('a'..='z').chain('0'..='9').chain(['_', '-', 'A']).find(|c| !inside(*c))?);
        }
        Node::Group(alternatives) => alternatives.first()?.iter().try_for_each(|n| render(n, out))?,
        Node::Repeat(inner, min, max) => {
            let times = if *min == 0 { max.unwrap_or(1).min(1) } else { *min };
            for _ in 0..times {
                render(inner, out)?;
            }
        }
    }
    Some(())
}

struct Parser<'p> {
    chars: &'p [char],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    /// `a|b|c` up to a closing parenthesis or the end.
    fn alternatives(&mut self) -> Option<Vec<Vec<Node>>> {
        let mut alternatives = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.at += 1;
            alternatives.push(self.sequence()?);
        }
        Some(alternatives)
    }

    fn sequence(&mut self) -> Option<Vec<Node>> {
        let mut nodes = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            if c == '^' || c == '$' {
                self.at += 1;
                continue;
            }
            let atom = self.atom()?;
            nodes.push(self.quantified(atom)?);
        }
        Some(nodes)
    }

    fn atom(&mut self) -> Option<Node> {
        match self.next()? {
            '(' => {
                if self.peek() == Some('?') {
                    self.at += 1;
                    if self.next()? != ':' {
                        return None;
                    }
                }
                let inner = self.alternatives()?;
                (self.next()? == ')').then_some(Node::Group(inner))
            }
            '[' => self.class(),
            '.' => Some(Node::Class(vec![('a', 'a')], false)),
            '\\' => self.escape(),
            '*' | '+' | '?' | '{' | ')' | ']' => None,
            c => Some(Node::Class(vec![(c, c)], false)),
        }
    }

    /// After a backslash, outside a class.
    fn escape(&mut self) -> Option<Node> {
        let c = self.next()?;
        match class_escape(c) {
            Some(ranges) => Some(Node::Class(ranges, c.is_ascii_uppercase())),
            None if c.is_ascii_digit() || c == 'k' || c == 'b' || c == 'B' => None,
            None => Some(Node::Class(vec![(literal_escape(c), literal_escape(c))], false)),
        }
    }

    /// After `[`: ranges up to `]`.
    fn class(&mut self) -> Option<Node> {
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.next()?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let lo = if c == '\\' {
                let e = self.next()?;
                match class_escape(e) {
                    Some(set) if !e.is_ascii_uppercase() => {
                        ranges.extend(set);
                        continue;
                    }
                    Some(_) => return None,
                    None => literal_escape(e),
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|n| *n != ']') {
                self.at += 1;
                let hi = match self.next()? {
                    '\\' => literal_escape(self.next()?),
                    hi => hi,
                };
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
        }
        Some(Node::Class(ranges, negated))
    }

    fn quantified(&mut self, atom: Node) -> Option<Node> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => return self.braces(atom),
            _ => return Some(atom),
        };
        self.at += 1;
        if self.peek() == Some('?') {
            self.at += 1;
        }
        Some(Node::Repeat(Box::new(atom), min, max))
    }

    /// `{n}`, `{n,}`, `{n,m}`.
    fn braces(&mut self, atom: Node) -> Option<Node> {
        self.at += 1;
        let close = self.chars[self.at..].iter().position(|c| *c == '}')? + self.at;
        let text: String = self.chars[self.at..close].iter().collect();
        self.at = close + 1;
        let (min, max) = match text.split_once(',') {
            None => {
                let n = text.trim().parse().ok()?;
                (n, Some(n))
            }
            Some((lo, hi)) => {
                (lo.trim().parse().ok()?, if hi.trim().is_empty() { None } else { hi.trim().parse().ok() })
            }
        };
        Some(Node::Repeat(Box::new(atom), min, max))
    }
}

/// The ranges of `\d`, `\w`, `\s` (and their negations, by the uppercase letter).
fn class_escape(c: char) -> Option<Vec<(char, char)>> {
    match c.to_ascii_lowercase() {
        'd' => Some(vec![('0', '9')]),
        'w' => Some(vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')]),
        's' => Some(vec![(' ', ' '), ('\t', '\t')]),
        _ => None,
    }
}

/// The character an escape stands for (`\n`, `\.`).
fn literal_escape(c: char) -> char {
    match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::sample;

    #[test]
    fn samples_match_common_patterns() {
        assert_eq!(sample("^[a-z]+$").as_deref(), Some("a"));
        assert_eq!(sample(r"^\d{3}-\d{2,4}$").as_deref(), Some("000-00"));
        assert_eq!(sample("^(vm|host)-[0-9]+$").as_deref(), Some("vm-0"));
        assert_eq!(sample(r"^[A-Za-z0-9_.\-]{1,64}$").as_deref(), Some("A"));
        assert_eq!(sample(r"^(?:urn:)?[^:/]+\.example$").as_deref(), Some("urn:a.example"));
        assert_eq!(sample("ab?c*").as_deref(), Some("abc"));
        assert_eq!(sample(r"\w\s\.").as_deref(), Some("a ."));
        assert_eq!(sample("x{2,}").as_deref(), Some("xx"));
        assert_eq!(sample("[^a-z0-9]").as_deref(), Some("_"));
    }

    #[test]
    fn unsupported_patterns_give_none() {
        for pattern in [r"(a)\1", "(?=a)a", "a{", "(ab", "[ab", "*a", r"\bword"] {
            assert_eq!(sample(pattern), None, "{pattern}");
        }
    }
}
