//! Source snippets for findings: the finding's line, with every secret masked.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};

use intguard_model::secret::{mask, Redactor};
use intguard_model::vocab;

const MAX_SNIPPET: usize = 200;

/// Reads the wanted lines of each file once. In a `.properties` file, a
/// line that continues (after a `\\` at the end of the line before) the value
/// of a secret-named key comes back masked: the readers know the value only
/// joined, so neither the redactor nor [`mask_line`] would recognise the part.
pub fn read_lines(path: &str, lines: &[u32]) -> HashMap<u32, String> {
    let mut out = HashMap::new();
    let Ok(file) = std::fs::File::open(path) else {
        return out;
    };
    let Some(&last) = lines.iter().max() else {
        return out;
    };
    let properties = path.ends_with(".properties");
    let mut continued = Continuation::default();
    let mut reader = BufReader::new(file);
    let mut buf = Vec::new();
    let mut n = 0u32;
    while n < last {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        n += 1;
        let wanted = lines.contains(&n);
        if !wanted && !properties {
            continue;
        }
        let text = String::from_utf8_lossy(&buf);
        let text = text.trim_end_matches(['\r', '\n']);
        let secret_part = properties && continued.continues && continued.secret_value;
        if properties {
            continued = continued.next(text);
        }
        if wanted {
            let shown = if secret_part {
                let body = text.trim_start();
                format!("{}{}", &text[..text.len() - body.len()], mask(body))
            } else {
                text.to_string()
            };
            out.insert(n, shown);
        }
    }
    out
}

/// Where a `.properties` line leaves the next one: inside the value of a
/// logical line continued with `\\`, and whether that value is a secret's.
#[derive(Debug, Default, Clone, Copy)]
struct Continuation {
    continues: bool,
    secret_value: bool,
}

impl Continuation {
    fn next(self, line: &str) -> Continuation {
        let body = line.trim_start();
        let secret_value = if self.continues {
            self.secret_value
        } else {
            if body.starts_with('#') || body.starts_with('!') {
                // A comment never continues.
                return Continuation::default();
            }
            let key_end = body
                .find(|c: char| c == '=' || c == ':' || c.is_whitespace())
                .unwrap_or(body.len());
            let key = &body[..key_end];
            vocab::is_secret_or_key_name(key)
        };
        let backslashes = body.len() - body.trim_end_matches('\\').len();
        Continuation {
            continues: backslashes % 2 == 1,
            secret_value,
        }
    }
}

/// Masks known secrets, then any value assigned to a secret-named key on the
/// line (`password="..."`, `password: ...`, `password=...`), then shortens.
pub fn mask_line(line: &str, redactor: &Redactor) -> String {
    let line = redactor.redact(line);
    let masked = mask_assignments(&line);
    let trimmed = masked.trim_end();
    if trimmed.chars().count() > MAX_SNIPPET {
        let cut: String = trimmed.chars().take(MAX_SNIPPET).collect();
        format!("{cut}…")
    } else {
        trimmed.to_string()
    }
}

/// Masks `name="value"`, `name: value` and `name=value` when `name` is a secret
/// name and the value is not a reference. A belt to the redactor's braces: it
/// catches secrets no reader recorded.
fn mask_assignments(line: &str) -> String {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'=' || c == b':' {
            // The name before the separator, and any blanks between them
            // (`sfdc.password = x` in .properties, `password = "x"` in XML).
            let mut e = i;
            while e > 0 && (bytes[e - 1] == b' ' || bytes[e - 1] == b'\t') {
                e -= 1;
            }
            let mut s = e;
            while s > 0 && {
                let b = bytes[s - 1];
                b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-'
            } {
                s -= 1;
            }
            let name = &line[s..e];
            if !name.is_empty() && vocab::is_secret_or_key_name(name) {
                let mut v = i + 1;
                while v < bytes.len() && (bytes[v] == b' ' || bytes[v] == b'\t') {
                    v += 1;
                }
                let (start, end) = if v < bytes.len() && (bytes[v] == b'"' || bytes[v] == b'\'') {
                    let q = bytes[v];
                    let end = line[v + 1..]
                        .find(q as char)
                        .map(|e| v + 1 + e)
                        .unwrap_or(line.len());
                    (v + 1, end)
                } else {
                    let end = line[v..]
                        .find(|ch: char| ch.is_whitespace() || ch == '#')
                        .map(|e| v + e)
                        .unwrap_or(line.len());
                    (v, end)
                };
                let value = &line[start.min(line.len())..end];
                // Skip references and values the redactor already masked.
                if !value.is_empty() && !vocab::is_placeholder_value(value) && !value.contains("…(")
                {
                    out.push_str(&line[copied..start]);
                    out.push_str(&mask(value));
                    copied = end;
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    out.push_str(&line[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secret_assignments_in_every_syntax() {
        let r = Redactor::default();
        let xml = mask_line(
            r#"<salesforce:basic-connection username="u@x.com" password="Tiger2024!" securityToken="${secure::t}"/>"#,
            &r,
        );
        assert!(!xml.contains("Tiger2024!"), "{xml}");
        assert!(xml.contains("Ti…(10)"));
        assert!(xml.contains("${secure::t}"));
        assert!(xml.contains("u@x.com"));
        let yaml = mask_line("  password: \"Tiger2024!\"  # prod", &r);
        assert!(!yaml.contains("Tiger2024!"), "{yaml}");
        let props = mask_line("sfdc.password=Tiger2024!", &r);
        assert_eq!(props, "sfdc.password=Ti…(10)");
        // Blanks around the separator (found by fuzzing: the first line of a
        // value continued with `\` was shown, as the redactor only knows the
        // whole value).
        let spaced = mask_line("sfdc.password = DevPlain\\", &r);
        assert_eq!(spaced, "sfdc.password = De…(9)");
        let tabbed = mask_line("sfdc.password\t:\tTiger2024!", &r);
        assert_eq!(tabbed, "sfdc.password\t:\tTi…(10)");
        let xml = mask_line(r#"<sfdc:config password = "Tiger2024!"/>"#, &r);
        assert!(!xml.contains("Tiger2024!"), "{xml}");
        assert_eq!(
            mask_line("url: https://x.com:8443/a", &r),
            "url: https://x.com:8443/a"
        );
    }

    #[test]
    fn continued_properties_values_of_secrets_are_masked_line_by_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mule.prod.properties");
        std::fs::write(
            &path,
            "# a comment \\\n\
             sfdc.password = FirstHalf7\\\n\
             \x20   SecondHalf9\\\n\
             \x20   ThirdPart11\n\
             sfdc.url = https://login.salesforce.com/\\\n\
             \x20   services/Soap/u/60.0\n\
             note = ends with an escaped backslash \\\\\n\
             plain.line = visible\n\
             sfdc.password = NotContinued1\n\
             sfdc.username = int@acme.com\n",
        )
        .unwrap();
        let path = path.to_str().unwrap();
        let got = read_lines(path, &[1, 3, 4, 6, 8, 10]);
        assert_eq!(got[&1], "# a comment \\");
        assert_eq!(got[&3], "    Se…(12)");
        assert_eq!(got[&4], "    Th…(11)");
        assert_eq!(got[&6], "    services/Soap/u/60.0");
        assert_eq!(got[&8], "plain.line = visible");
        assert_eq!(got[&10], "sfdc.username = int@acme.com");
        // Other files are read as they are.
        let yaml = dir.path().join("a.yaml");
        std::fs::write(&yaml, "password: |\n  Kept1234\n").unwrap();
        assert_eq!(read_lines(yaml.to_str().unwrap(), &[2])[&2], "  Kept1234");
    }

    #[test]
    fn redactor_masks_unnamed_secrets() {
        let r = Redactor::new(["00D5g000001abcd!AQ4AQabcdefghij".to_string()]);
        let out = mask_line(
            "curl -H 'Authorization: Bearer 00D5g000001abcd!AQ4AQabcdefghij'",
            &r,
        );
        assert!(!out.contains("AQ4AQabcdefghij"), "{out}");
    }
}
