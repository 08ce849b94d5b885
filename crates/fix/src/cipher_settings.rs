//! Edits that give a secure-properties configuration strong encryption settings
//! (`fix secrets --upgrade-encryption`): AES in CBC mode, with random IVs where the runtime
//! has them. Mule 4 keeps the settings on a `<secure-properties:encrypt>` child of the
//! configuration (added when missing); Mule 3 as `encryptionAlgorithm` and `encryptionMode`
//! attributes of the `<secure-property-placeholder:config>` itself (it has no random IVs).

use std::ops::Range;

use intguard_model::SecurePropertiesConfig;
use mule_secure_props::Cipher;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::text::{byte_col, eol, indent_of, Lines};

/// [`Cipher::recommended`] as Mule 4's `<secure-properties:encrypt>` spells it.
const MULE4_SETTINGS: [(&str, &str); 3] = [
    ("algorithm", "AES"),
    ("mode", "CBC"),
    ("useRandomIVs", "true"),
];

/// [`Cipher::recommended`] as Mule 3's `<secure-property-placeholder:config>` spells it.
const MULE3_SETTINGS: [(&str, &str); 2] =
    [("encryptionAlgorithm", "AES"), ("encryptionMode", "CBC")];

/// The settings `--upgrade-encryption` gives `config`, when [`needs_upgrade`].
pub(crate) fn strong_cipher(config: &SecurePropertiesConfig) -> Cipher {
    Cipher::recommended(config.has_random_iv_option())
}

/// Whether `cipher`, `config`'s settings, are weaker than [`strong_cipher`].
pub(crate) fn needs_upgrade(config: &SecurePropertiesConfig, cipher: &Cipher) -> bool {
    cipher.is_weaker_than_recommended(config.has_random_iv_option())
}

fn settings(config: &SecurePropertiesConfig) -> &'static [(&'static str, &'static str)] {
    if config.has_random_iv_option() {
        &MULE4_SETTINGS
    } else {
        &MULE3_SETTINGS
    }
}

/// The settings as [`strong_settings_edits`] writes them, for the plan's actions.
pub(crate) fn settings_written(config: &SecurePropertiesConfig) -> String {
    settings(config)
        .iter()
        .map(|(name, value)| format!("{name}=\"{value}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The edits of `text` (the XML file holding `config`) that set its settings to
/// [`strong_cipher`]. Only the attributes concerned change (or, in Mule 4, one
/// `<...:encrypt/>` line is added): the rest of the file stays byte-identical.
pub(crate) fn strong_settings_edits(
    text: &str,
    config: &SecurePropertiesConfig,
) -> Result<Vec<(Range<usize>, String)>, String> {
    let here = || format!("{}: <{}>", config.location, config.element);
    let lines = Lines::new(text);
    let n = config.location.line as usize;
    if n == 0 || n > lines.len() {
        return Err(format!("{}: line not found", here()));
    }
    let content = lines.content(n);
    let line = &text[content.clone()];
    let at = content.start + byte_col(line, config.location.column);
    let mut reader = Reader::from_str(&text[at..]);
    let (config_tag, empty) = match reader.read_event() {
        Ok(Event::Start(e)) if e.name().as_ref() == config.element.as_bytes() => {
            (at..at + reader.buffer_position() as usize, false)
        }
        Ok(Event::Empty(e)) if e.name().as_ref() == config.element.as_bytes() => {
            (at..at + reader.buffer_position() as usize, true)
        }
        _ => return Err(format!("{}: the element is not where it was read", here())),
    };
    if !config.has_random_iv_option() {
        return Ok(set_attributes(text, config_tag, settings(config)));
    }
    let prefix = config
        .element
        .split_once(':')
        .map_or("secure-properties", |(p, _)| p);
    let encrypt =
        format!("<{prefix}:encrypt algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\"/>");
    let indent = &line[..indent_of(line)];
    let unit = if indent.is_empty() { "    " } else { indent };
    let nl = eol(text);
    if empty {
        // `<x:config .../>` becomes `<x:config ...>`, the child, `</x:config>`.
        let tag = &text[config_tag.clone()];
        let close = tag.trim_end_matches("/>").trim_end().len();
        return Ok(vec![(
            config_tag.start + close..config_tag.end,
            format!(
                ">{nl}{indent}{unit}{encrypt}{nl}{indent}</{}>",
                config.element
            ),
        )]);
    }
    let mut depth = 1usize;
    loop {
        let before = at + reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| format!("{}: {e}", here()))?;
        let after = at + reader.buffer_position() as usize;
        match event {
            Event::Start(e) | Event::Empty(e) if depth == 1 && is_encrypt(&e) => {
                return Ok(set_attributes(text, before..after, &MULE4_SETTINGS));
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Event::Eof => return Err(format!("{}: the element does not end", here())),
            _ => {}
        }
    }
    // No `<encrypt>` child: one, first among the children.
    Ok(vec![(
        config_tag.end..config_tag.end,
        format!("{nl}{indent}{unit}{encrypt}"),
    )])
}

fn is_encrypt(e: &BytesStart<'_>) -> bool {
    e.local_name().as_ref() == b"encrypt"
}

/// Sets each attribute of `pairs` in the start tag at `tag` (`<name a="1" ...>` or
/// `.../>`): a written value is replaced (kept when it already reads so), a missing
/// attribute is added after the last one.
fn set_attributes(
    text: &str,
    tag: Range<usize>,
    pairs: &[(&str, &str)],
) -> Vec<(Range<usize>, String)> {
    let written = attributes(&text[tag.clone()]);
    let last_end = written.last().map_or_else(
        || tag_name_end(&text[tag.clone()]),
        |(_, value)| value.end + 1,
    );
    let mut edits = Vec::new();
    for (name, value) in pairs {
        match written.iter().find(|(n, _)| n == name) {
            Some((_, range)) => {
                if !text[tag.start + range.start..tag.start + range.end].eq_ignore_ascii_case(value)
                {
                    edits.push((
                        tag.start + range.start..tag.start + range.end,
                        (*value).to_string(),
                    ));
                }
            }
            None => edits.push((
                tag.start + last_end..tag.start + last_end,
                format!(" {name}=\"{value}\""),
            )),
        }
    }
    edits
}

/// Where the element's name ends in a start tag.
fn tag_name_end(tag: &str) -> usize {
    tag.find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .unwrap_or(tag.len())
}

/// Each attribute of a start tag: its name and the range of its value (inside the
/// quotes), in the tag's text.
fn attributes(tag: &str) -> Vec<(String, Range<usize>)> {
    let bytes = tag.as_bytes();
    let mut out = Vec::new();
    let mut i = tag_name_end(tag);
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'/' || bytes[i] == b'>' {
            return out;
        }
        let name_start = i;
        while i < bytes.len() && bytes[i] != b'=' && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let name = &tag[name_start..i];
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'=') {
            i += 1;
        }
        let Some(&quote) = bytes.get(i).filter(|q| **q == b'"' || **q == b'\'') else {
            return out;
        };
        let value_start = i + 1;
        let Some(len) = tag[value_start..].find(quote as char) else {
            return out;
        };
        out.push((name.to_string(), value_start..value_start + len));
        i = value_start + len + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::apply_edits;
    use intguard_model::{Location, Value};

    fn config(element: &str, line: u32, column: u32) -> SecurePropertiesConfig {
        SecurePropertiesConfig {
            name: Some("Secure_Props".into()),
            element: element.into(),
            location: Location::new("global.xml", line, column),
            key: None,
            file: None,
            algorithm: None,
            mode: None,
            use_random_ivs: None,
        }
    }

    fn upgraded(text: &str, c: &SecurePropertiesConfig) -> String {
        apply_edits(text, strong_settings_edits(text, c).unwrap()).unwrap()
    }

    #[test]
    fn mule4_encrypt_child_gets_aes_cbc_and_random_ivs() {
        let text = "<mule>\n\t<secure-properties:config name=\"Secure_Props\" key=\"${k}\" file=\"a.yaml\">\n\t\t<secure-properties:encrypt algorithm=\"Blowfish\" mode='CFB' />\n\t</secure-properties:config>\n</mule>\n";
        assert_eq!(
            upgraded(text, &config("secure-properties:config", 2, 2)),
            "<mule>\n\t<secure-properties:config name=\"Secure_Props\" key=\"${k}\" file=\"a.yaml\">\n\t\t<secure-properties:encrypt algorithm=\"AES\" mode='CBC' useRandomIVs=\"true\" />\n\t</secure-properties:config>\n</mule>\n"
        );
        // Already strong: nothing to change.
        let strong = "<mule>\n  <secure-properties:config name=\"S\" key=\"${k}\" file=\"a.yaml\">\n    <secure-properties:encrypt algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\"/>\n  </secure-properties:config>\n</mule>\n";
        let c = config("secure-properties:config", 2, 3);
        assert!(strong_settings_edits(strong, &c).unwrap().is_empty());
    }

    #[test]
    fn mule4_config_without_encrypt_child_gets_one() {
        // With other children (and a comment naming the element): first among them.
        let text = "<mule>\n  <secure-properties:config name=\"S\" key=\"${k}\" file=\"a.yaml\">\n    <!-- <secure-properties:encrypt/> later -->\n  </secure-properties:config>\n</mule>\n";
        assert_eq!(
            upgraded(text, &config("secure-properties:config", 2, 3)),
            "<mule>\n  <secure-properties:config name=\"S\" key=\"${k}\" file=\"a.yaml\">\n    <secure-properties:encrypt algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\"/>\n    <!-- <secure-properties:encrypt/> later -->\n  </secure-properties:config>\n</mule>\n"
        );
        // Self-closing, CRLF: opened and closed around the child.
        let text = "<mule>\r\n\t<secure-properties:config name=\"S\" key=\"${k}\" file=\"a.yaml\" />\r\n</mule>\r\n";
        assert_eq!(
            upgraded(text, &config("secure-properties:config", 2, 2)),
            "<mule>\r\n\t<secure-properties:config name=\"S\" key=\"${k}\" file=\"a.yaml\">\r\n\t\t<secure-properties:encrypt algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\"/>\r\n\t</secure-properties:config>\r\n</mule>\r\n"
        );
    }

    #[test]
    fn mule3_placeholder_gets_aes_cbc_attributes() {
        let text = "<mule>\n  <secure-property-placeholder:config name=\"P\" key=\"${k}\" location=\"a.properties\" encryptionAlgorithm=\"Blowfish\"/>\n</mule>\n";
        let mut c = config("secure-property-placeholder:config", 2, 3);
        c.algorithm = Some(Value::new("Blowfish", Location::new("global.xml", 2, 90)).into());
        assert_eq!(
            upgraded(text, &c),
            "<mule>\n  <secure-property-placeholder:config name=\"P\" key=\"${k}\" location=\"a.properties\" encryptionAlgorithm=\"AES\" encryptionMode=\"CBC\"/>\n</mule>\n"
        );
        assert!(!strong_cipher(&c).random_iv);
    }

    #[test]
    fn an_element_not_where_it_was_read_is_refused() {
        let text = "<mule>\n  <configuration-properties file=\"a.yaml\"/>\n</mule>\n";
        let err = strong_settings_edits(text, &config("secure-properties:config", 2, 3));
        assert!(err.unwrap_err().contains("not where it was read"));
    }
}
