//! Turns spec descriptions into rustdoc lines that render well and raise no rustdoc warnings.
//!
//! vSphere descriptions mix Javadoc (`{@term x}`, `{@link X}`, `<p>`), Markdown (9.x specs) and
//! plain text with indented lists. The output is Markdown where: Javadoc tags are resolved, HTML is
//! reduced to paragraphs, brackets and angle brackets outside code spans are escaped (no broken
//! intra-doc links, no stray HTML), bare URLs are wrapped in `<...>`, no line is indented (no
//! accidental code blocks, so no accidental doctests), and code fences are neutralised.

use std::borrow::Cow;

/// Sanitises one description into lines (no trailing blank lines, at most one blank in a row).
pub fn lines(text: &str) -> Vec<String> {
    let text = if text.contains(['\r', '\t']) {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n").replace('\t', "    "))
    } else {
        Cow::Borrowed(text)
    };
    let text = resolve_javadoc(&text);
    let text = html_to_markdown(&text);
    let mut out: Vec<String> = Vec::new();
    for raw in text.lines() {
        let line = escape_line(raw.trim());
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        // A plain line right after a list item would continue it lazily; make it a paragraph.
        if !line.is_empty() && !is_list_item(&line) && out.last().is_some_and(|l| is_list_item(l)) {
            out.push(String::new());
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

fn is_list_item(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    line.starts_with("- ")
        || line.starts_with("* ")
        || line.starts_with("+ ")
        || (digits > 0 && line[digits..].starts_with(". "))
}

/// Appends `text`'s lines to `doc`, separated from what is there by one blank line.
pub fn append_paragraph(doc: &mut Vec<String>, text: &str) {
    let new = lines(text);
    if new.is_empty() {
        return;
    }
    if !doc.is_empty() {
        doc.push(String::new());
    }
    doc.extend(new);
}

/// Splits one doc line into lines of at most `width` characters where it can: at spaces outside
/// code spans, autolinks and Markdown links, never so that a line would start a list, a heading
/// or a quote, with list items continued under their text. Headings stay whole.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    if line.chars().count() <= width || line.starts_with('#') {
        return vec![line.to_owned()];
    }
    let indent = continuation(line);
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for token in tokens(line) {
        let fits = current.chars().count() + 1 + token.chars().count() <= width;
        // A word that fits no line stays where it is: moving it down would not make it fit.
        let too_long = indent.len() + token.chars().count() > width;
        if current.trim().is_empty() || fits || too_long || starts_block(token) {
            if !current.is_empty() && !current.ends_with(' ') {
                current.push(' ');
            }
            current.push_str(token);
        } else {
            out.push(std::mem::take(&mut current));
            current = format!("{indent}{token}");
        }
    }
    out.push(current);
    out
}

/// The indentation that continues a list item (`- `, `1. `, nested `  - `) under its text.
fn continuation(line: &str) -> String {
    let lead = line.len() - line.trim_start().len();
    let rest = &line[lead..];
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let marker = if rest.starts_with("- ") || rest.starts_with("* ") || rest.starts_with("+ ") {
        2
    } else if digits > 0 && rest[digits..].starts_with(". ") {
        digits + 2
    } else {
        0
    };
    " ".repeat(if marker == 0 { 0 } else { lead + marker })
}

/// Whether a word would start a Markdown block if it began a line: a list marker, a heading, a
/// quote, a setext underline or an ordered-list number.
fn starts_block(token: &str) -> bool {
    let digits = token.chars().take_while(char::is_ascii_digit).count();
    matches!(token, "-" | "+" | "*")
        || token.chars().all(|c| c == '#')
        || token.chars().all(|c| c == '=')
        || token.starts_with('>')
        || (digits > 0 && matches!(&token[digits..], "." | ")"))
}

/// The words of a line, with code spans, autolinks and Markdown links kept whole.
fn tokens(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let (mut start, mut i) = (0, 0);
    let mut closing: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match closing {
            Some(c) if b == c => closing = None,
            Some(_) => {}
            None if b == b'\\' => i += 1,
            None if b == b'`' => closing = Some(b'`'),
            None if b == b'<' && line[i..].starts_with("<http") => closing = Some(b'>'),
            None if b == b'[' && line[i..].contains("](") => closing = Some(b')'),
            None if b == b' ' => {
                if i > start {
                    out.push(&line[start..i]);
                }
                start = i + 1;
            }
            None => {}
        }
        i += 1;
    }
    if start < line.len() {
        out.push(&line[start..]);
    }
    out
}

/// A code span holding `text` (backticks inside are handled by a longer fence).
pub fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 { format!("{fence} {text} {fence}") } else { format!("`{text}`") }
}

fn resolve_javadoc(text: &str) -> Cow<'_, str> {
    if !text.contains("{@") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{@") {
        out.push_str(&rest[..start]);
        let tag = &rest[start + 2..];
        let Some(end) = tag.find('}') else {
            out.push_str(&rest[start..]);
            return Cow::Owned(out);
        };
        let inner = &tag[..end];
        let (kind, body) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        let body = body.trim();
        match kind {
            "link" | "code" | "linkplain" | "literal" if !body.is_empty() => {
                out.push('`');
                out.push_str(body.trim_start_matches('#'));
                out.push('`');
            }
            _ => out.push_str(body),
        }
        rest = &tag[end + 1..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Replaces the HTML that Javadoc-style descriptions use, outside code spans.
fn html_to_markdown(text: &str) -> Cow<'_, str> {
    const TAGS: &[(&str, &str)] = &[
        ("<p>", "\n\n"),
        ("</p>", "\n\n"),
        ("<P>", "\n\n"),
        ("<br>", "\n"),
        ("<br/>", "\n"),
        ("<br />", "\n"),
        ("<ul>", "\n"),
        ("</ul>", "\n"),
        ("<ol>", "\n"),
        ("</ol>", "\n"),
        ("<li>", "\n- "),
        ("</li>", ""),
        ("<b>", "**"),
        ("</b>", "**"),
        ("<i>", "*"),
        ("</i>", "*"),
        ("<code>", "`"),
        ("</code>", "`"),
    ];
    if !text.contains('<') {
        return Cow::Borrowed(text);
    }
    let markdown = text
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 || !part.contains('<') {
                return part.to_owned();
            }
            let mut part = part.to_owned();
            for (tag, with) in TAGS {
                if part.contains(tag) {
                    part = part.replace(tag, with);
                }
            }
            part
        })
        .collect::<Vec<_>>()
        .join("`");
    Cow::Owned(markdown)
}

/// Escapes one trimmed line outside its code spans.
fn escape_line(line: &str) -> String {
    let line = if line.contains("```") { Cow::Owned(line.replace("```", "'''")) } else { Cow::Borrowed(line) };
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest: &str = &line;
    loop {
        match rest.find('`') {
            Some(open) => {
                escape_text(&rest[..open], &mut out);
                let after = &rest[open + 1..];
                match after.find('`') {
                    Some(close) => {
                        out.push('`');
                        out.push_str(&after[..close]);
                        out.push('`');
                        rest = &after[close + 1..];
                    }
                    None => {
                        out.push_str("\\`");
                        escape_text(after, &mut out);
                        break;
                    }
                }
            }
            None => {
                escape_text(rest, &mut out);
                break;
            }
        }
    }
    out
}

/// Escapes text outside code spans; keeps Markdown links `[text](url)` and wraps bare URLs.
/// Runs of plain text are copied whole; only the bytes that may need escaping (all ASCII, so
/// every index stopped at is a character boundary) are looked at.
fn escape_text(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let (mut i, mut plain) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if !matches!(b, b'[' | b']' | b'<' | b'>' | b'\\' | b'#' | b'h') {
            i += 1;
            continue;
        }
        let rest = &text[i..];
        let len = if b == b'[' { markdown_link_len(rest) } else { None };
        let url = (b == b'h' && (rest.starts_with("http://") || rest.starts_with("https://"))).then(|| {
            let end = rest.find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"').unwrap_or(rest.len());
            rest[..end].trim_end_matches(['.', ',', ';', ':', ')', '\'', ']'])
        });
        let escaped = matches!(b, b'[' | b']' | b'<' | b'>' | b'\\') || (b == b'#' && i == 0 && bytes.len() > 1);
        if len.is_none() && url.is_none() && !escaped {
            i += 1;
            continue;
        }
        out.push_str(&text[plain..i]);
        if let Some(len) = len {
            out.push_str(&rest[..len]);
            i += len;
        } else if let Some(url) = url {
            out.push('<');
            out.push_str(url);
            out.push('>');
            i += url.len();
        } else {
            out.push('\\');
            out.push(char::from(b));
            i += 1;
        }
        plain = i;
    }
    out.push_str(&text[plain..]);
}

/// The length of a Markdown link `[text](http...)` at the start of `text`, if there is one.
fn markdown_link_len(text: &str) -> Option<usize> {
    let rest = text.strip_prefix('[')?;
    let close = rest.find(']')?;
    let label = &rest[..close];
    if label.contains('[') {
        return None;
    }
    let after = rest[close + 1..].strip_prefix('(')?;
    if !(after.starts_with("http://") || after.starts_with("https://")) {
        return None;
    }
    let end = after.find(')')?;
    if after[..end].contains(char::is_whitespace) {
        return None;
    }
    Some(1 + close + 1 + 1 + end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javadoc_and_html() {
        assert_eq!(
            lines("Stack of {@term error} messages. <p> See {@link vapi.std.DynamicID} and {@code en_US}."),
            ["Stack of error messages.", "", "See `vapi.std.DynamicID` and `en_US`."]
        );
    }

    #[test]
    fn no_accidental_code_blocks_or_links() {
        assert_eq!(
            lines("privileges: \n   -  The resource VirtualMachine requires System.Read. \n"),
            ["privileges:", "-  The resource VirtualMachine requires System.Read."]
        );
        assert_eq!(lines("range [0, 100] of List<String>"), ["range \\[0, 100\\] of List\\<String\\>"]);
        assert_eq!(lines("keep `a[0] <b>` as code"), ["keep `a[0] <b>` as code"]);
        assert_eq!(lines("```\ncode\n```"), ["'''", "code", "'''"]);
        assert_eq!(lines("- item\nnext paragraph"), ["- item", "", "next paragraph"]);
        assert_eq!(lines("- a\n- b"), ["- a", "- b"]);
        assert_eq!(lines("# not a heading"), ["\\# not a heading"]);
    }

    #[test]
    fn urls() {
        assert_eq!(lines("see http://vcenter/sso?x=1."), ["see <http://vcenter/sso?x=1>."]);
        assert_eq!(
            lines("please see: [Broker](https://techdocs.broadcom.com/x?y=1)."),
            ["please see: [Broker](https://techdocs.broadcom.com/x?y=1)."]
        );
    }

    #[test]
    fn long_lines_wrap_at_spaces_outside_code_and_links() {
        let line = "The `virtual machine` is named by <https://example.com/a b> and then some more words here";
        assert_eq!(
            wrap(line, 40),
            ["The `virtual machine` is named by", "<https://example.com/a b> and then some", "more words here"]
        );
        assert_eq!(wrap("- a list item that goes on and on", 20), ["- a list item that", "  goes on and on"]);
        assert_eq!(wrap("12. numbered item text", 12), ["12. numbered", "    item", "    text"]);
        assert_eq!(wrap("# A heading that is long", 5), ["# A heading that is long"]);
        assert_eq!(wrap("short", 80), ["short"]);
        assert_eq!(
            wrap("Schema: `a-very-long-pointer-that-fits-no-line`.", 20),
            ["Schema: `a-very-long-pointer-that-fits-no-line`."]
        );
        assert_eq!(
            wrap("range \\[0, 100\\] of List\\<String\\> words", 17),
            ["range \\[0, 100\\]", "of List\\<String\\>", "words"]
        );
    }

    #[test]
    fn wrapped_lines_never_start_a_block() {
        for line in wrap("alpha beta - gamma + delta 3. epsilon # zeta > eta = theta *emphasis* ok", 11) {
            let first = line.split(' ').next().unwrap_or("");
            assert!(!starts_block(first), "{line:?} starts a block");
        }
    }

    #[test]
    fn paragraphs() {
        assert_eq!(lines("\n\na\n\n\n\nb\n\n"), ["a", "", "b"]);
        let mut doc = vec!["Summary.".to_owned()];
        append_paragraph(&mut doc, "Details.");
        assert_eq!(doc, ["Summary.", "", "Details."]);
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
