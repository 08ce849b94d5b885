//! Minimal edit of mule-artifact.json: names added to `secureProperties`.

use crate::text::{eol, indent_of};

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// End (exclusive) of the JSON string starting at `start` (a `"`).
fn string_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The byte offset of the top-level key `"key"`'s value, if present.
fn top_level_value(text: &str, key: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let end = string_end(text, i)?;
                if depth == 1 {
                    let k: String = serde_json::from_str(&text[i..end]).ok()?;
                    let after = text[end..].trim_start();
                    if k == key && after.starts_with(':') {
                        let colon = text.len() - after.len();
                        let v = text[colon + 1..].trim_start();
                        return Some(text.len() - v.len());
                    }
                }
                i = end;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Adds `names` (those not yet listed) to the `secureProperties` array, or adds the field
/// after the opening brace. The result is checked to parse and list every name. A UTF-8
/// byte order mark the file starts with (Mule reads the file with it) is kept, before
/// the JSON.
pub(crate) fn add_secure_properties(text: &str, names: &[String]) -> Result<String, String> {
    match text.strip_prefix('\u{feff}') {
        Some(json) => Ok(format!("\u{feff}{}", add_to_json(json, names)?)),
        None => add_to_json(text, names),
    }
}

fn add_to_json(text: &str, names: &[String]) -> Result<String, String> {
    let parsed: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("mule-artifact.json does not parse: {e}"))?;
    let obj = parsed
        .as_object()
        .ok_or("mule-artifact.json is not a JSON object")?;
    let listed: Vec<String> = match obj.get("secureProperties") {
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(_) => return Err("secureProperties in mule-artifact.json is not an array".into()),
        None => Vec::new(),
    };
    let mut new: Vec<&String> = Vec::new();
    for n in names {
        if !listed.contains(n) && !new.contains(&n) {
            new.push(n);
        }
    }
    if new.is_empty() {
        return Ok(text.to_string());
    }
    let nl = eol(text);
    let out = match top_level_value(text, "secureProperties") {
        Some(open) => {
            // `open` is at '['; find its ']'.
            let bytes = text.as_bytes();
            let mut i = open + 1;
            let mut last_item_end = None;
            let mut last_item_start = None;
            while i < bytes.len() && bytes[i] != b']' {
                if bytes[i] == b'"' {
                    let e = string_end(text, i).ok_or("unterminated string")?;
                    last_item_start = Some(i);
                    last_item_end = Some(e);
                    i = e;
                    continue;
                }
                i += 1;
            }
            let close = i;
            let inner = &text[open + 1..close];
            let mut out = String::new();
            match (last_item_start, last_item_end) {
                (Some(s), Some(e)) => {
                    let multiline = inner.contains('\n');
                    let line_start = text[..s].rfind('\n').map_or(0, |p| p + 1);
                    let ind = &text[line_start..line_start + indent_of(&text[line_start..])];
                    out.push_str(&text[..e]);
                    for n in &new {
                        if multiline {
                            out.push_str(&format!(",{nl}{ind}{}", json_string(n)));
                        } else {
                            out.push_str(&format!(", {}", json_string(n)));
                        }
                    }
                    out.push_str(&text[e..]);
                }
                _ => {
                    let items: Vec<String> = new.iter().map(|n| json_string(n)).collect();
                    out.push_str(&text[..open + 1]);
                    out.push_str(&items.join(", "));
                    out.push_str(&text[close..]);
                }
            }
            out
        }
        None => {
            let brace = text.find('{').ok_or("no opening brace")?;
            let items: Vec<String> = new.iter().map(|n| json_string(n)).collect();
            let field = format!("\"secureProperties\": [{}]", items.join(", "));
            let after = &text[brace + 1..];
            let rest = after.trim_start();
            let empty = rest.starts_with('}');
            if empty {
                format!("{}{field}{}", &text[..=brace], after)
            } else if after[..after.len() - rest.len()].contains('\n') {
                // The next member is on its own line: same indentation.
                let ws = &after[..after.len() - rest.len()];
                let ind = ws.rsplit('\n').next().unwrap_or("");
                format!("{}{nl}{ind}{field},{}", &text[..=brace], after)
            } else {
                format!("{} {field},{}", &text[..=brace], after)
            }
        }
    };
    let check: serde_json::Value = serde_json::from_str(&out)
        .map_err(|e| format!("edit of mule-artifact.json failed: {e}"))?;
    let ok = check["secureProperties"].as_array().is_some_and(|a| {
        names
            .iter()
            .all(|n| a.iter().any(|v| v.as_str() == Some(n)))
    });
    if !ok {
        return Err("edit of mule-artifact.json failed".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(t: &str) -> String {
        add_secure_properties(t, &["a.b".into(), "encryption.key".into()]).unwrap()
    }

    #[test]
    fn a_byte_order_mark_is_kept() {
        let t = "{\"minMuleVersion\": \"4.6.0\"}\n";
        assert_eq!(add(&format!("\u{feff}{t}")), format!("\u{feff}{}", add(t)));
    }

    #[test]
    fn edits() {
        assert_eq!(
            add("{\n  \"minMuleVersion\": \"4.4.0\"\n}\n"),
            "{\n  \"secureProperties\": [\"a.b\", \"encryption.key\"],\n  \"minMuleVersion\": \"4.4.0\"\n}\n"
        );
        assert_eq!(
            add("{\"secureProperties\": [\"x\"], \"y\": {}}"),
            "{\"secureProperties\": [\"x\", \"a.b\", \"encryption.key\"], \"y\": {}}"
        );
        assert_eq!(
            add("{\n \"secureProperties\": [\n    \"encryption.key\"\n  ]\n}"),
            "{\n \"secureProperties\": [\n    \"encryption.key\",\n    \"a.b\"\n  ]\n}"
        );
        assert_eq!(
            add("{ \"secureProperties\": [ ] }"),
            "{ \"secureProperties\": [\"a.b\", \"encryption.key\"] }"
        );
        assert_eq!(
            add("{}"),
            "{\"secureProperties\": [\"a.b\", \"encryption.key\"]}"
        );
    }
}
