//! The fields a Salesforce create / update / upsert sets: the keys of the
//! objects the DataWeave building its records outputs, read without a
//! DataWeave parser and conservatively. Only these output forms are read:
//! an object (`{ Tier__c: ... }`), a list of objects (`[{ ... }, { ... }]`),
//! and a `map` to an object (`payload map { ... }`, `payload map (c) -> {
//! ... }`, `payload map ((c, i) -> { ... })`), in parentheses or not, after
//! the header's `---` when there is one, inside `#[...]` or not; and any of
//! these chosen by `if (...) A else B` (the keys of both branches, `else if`
//! chains included) or ending a `do { ... --- A }` block. Anything else (a
//! variable, a function call, `++`, a `map` followed by an operator other
//! than `filter`, `orderBy` or `distinctBy`, which keep the records' keys)
//! is not read: `None`, so that a person is told.
//!
//! Of an object, its own entries written `key: value` with a plain or quoted
//! key count, and conditional ones (`(Tier__c: x) if (...)`: a write may set
//! them). Dynamic keys, attributes and namespaced keys are skipped. A key
//! whose value is an object names a relationship (`Account__r:
//! {External_Id__c: ...}`, the related record found by its external id): it
//! sets the relationship's lookup field (`Account__c`; `AccountId` for a
//! standard `Account`), and the nested keys, another object's fields, are
//! not taken.

use std::borrow::Cow;

use intguard_model::{Location, WrittenField};

use super::dataweave::{comment_end, dw_string_end};

/// A key of an output object (the field it sets) and its offset in the
/// script: borrowed from the script, or made (a relationship's lookup field).
pub(crate) type Key<'s> = (Cow<'s, str>, usize);

/// A DataWeave file of an app's resources: its path under
/// `src/main/resources/`, and the fields of the records it builds (`None`
/// when its output is not read).
pub(crate) type RecordScript = (String, Option<std::sync::Arc<[WrittenField]>>);

/// The field names (custom or standard-looking) among the keys of the
/// objects DataWeave file `text` (at `display`) outputs, each once, at its
/// key; `None` when its output is not read.
pub(crate) fn script_fields(text: &str, display: &str) -> Option<std::sync::Arc<[WrittenField]>> {
    // A byte order mark is no part of the script (nor of its first line's
    // columns).
    let text = crate::position::without_bom(text);
    // Keys come in the order of the text: located going forward.
    let mut lines = crate::position::Cursor::new(text);
    let fields = field_keys(output_object_keys(text)?)
        .map(|(key, at)| {
            let (line, column) = lines.locate(at);
            WrittenField {
                field: key.to_string(),
                location: Location::new(display, line, column),
            }
        })
        .collect::<Vec<_>>();
    Some(fields.into())
}

/// Of the keys of a script's output objects, those named like fields
/// (custom or standard-looking), each once (case ignored), at most
/// [`MAX_FIELDS`]: a hostile script may hold many keys.
pub(crate) fn field_keys(keys: Vec<Key<'_>>) -> impl Iterator<Item = Key<'_>> {
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    keys.into_iter()
        .filter(move |(key, _)| {
            (is_custom_field_name(key) || is_standard_field_name(key))
                && seen.insert(key.to_ascii_lowercase())
        })
        .take(MAX_FIELDS)
}

/// At most this many fields are kept of one script's records: an object has
/// at most a few hundred custom fields, and a hostile script with hundreds
/// of thousands of keys, feeding many writes, would otherwise be held once
/// per write.
const MAX_FIELDS: usize = 1_000;

/// How deep output forms are followed (`[ (payload map { ... }) ]`).
const MAX_DEPTH: usize = 8;

/// The keys of the objects a DataWeave script (or a `#[...]` expression)
/// outputs, with each key's offset in `script` (its first character, inside
/// its quotes when quoted), in order; `None` when its output is not one of
/// the forms read (see the module's documentation).
pub(crate) fn output_object_keys(script: &str) -> Option<Vec<Key<'_>>> {
    let bytes = script.as_bytes();
    let mut start = skip_blank(bytes, 0, bytes.len());
    let mut end = trim_end(bytes, start, bytes.len());
    if bytes[start..end].starts_with(b"#[") {
        if end < start + 3 || bytes[end - 1] != b']' {
            return None;
        }
        start += 2;
        end -= 1;
    }
    if let Some(body) = header_end(bytes, start, end) {
        start = body;
    }
    let mut out = Vec::new();
    objects_of(script, start, end, &mut out, 0)?;
    Some(out)
}

/// The offset after the header's `---` between `start` and `end`, if there
/// is one (outside brackets, strings and comments: a function of the header
/// may hold a `do { ... --- ... }` block of its own).
fn header_end(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while i < end {
        if let Some(e) = comment_end(bytes, i) {
            i = e;
            continue;
        }
        match bytes[i] {
            b'"' | b'\'' | b'`' => i = dw_string_end(bytes, i) + 1,
            b'-' if depth == 0 && bytes.get(i..i + 3) == Some(b"---") => return Some(i + 3),
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// `i` moved past blanks and comments, at most to `end`.
fn skip_blank(bytes: &[u8], mut i: usize, end: usize) -> usize {
    while i < end {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
        } else if let Some(e) = comment_end(bytes, i) {
            i = e;
        } else {
            break;
        }
    }
    i.min(end)
}

/// `end` moved back over blanks.
fn trim_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

/// The offset of the bracket closing the one opened at `open`, before
/// `end`; strings and comments skipped.
fn closing(bytes: &[u8], open: usize, end: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < end {
        if let Some(e) = comment_end(bytes, i) {
            i = e;
            continue;
        }
        match bytes[i] {
            b'"' | b'\'' | b'`' => i = dw_string_end(bytes, i),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The offsets of the separators (`,`) at the top level of `start..end`.
fn top_level_commas(bytes: &[u8], start: usize, end: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = start;
    while i < end {
        if let Some(e) = comment_end(bytes, i) {
            i = e;
            continue;
        }
        match bytes[i] {
            b'"' | b'\'' | b'`' => i = dw_string_end(bytes, i),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => out.push(i),
            _ => {}
        }
        i += 1;
    }
    out
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The keys of the objects the expression `start..end` outputs, added to
/// `out`; `None` when it is not one of the forms read.
fn objects_of<'s>(
    script: &'s str,
    start: usize,
    end: usize,
    out: &mut Vec<Key<'s>>,
    depth: usize,
) -> Option<()> {
    if depth > MAX_DEPTH {
        return None;
    }
    let bytes = script.as_bytes();
    let start = skip_blank(bytes, start, end);
    let end = trim_end(bytes, start, end);
    if start >= end {
        return None;
    }
    match bytes[start] {
        b'(' | b'{' | b'[' if closing(bytes, start, end) == Some(end - 1) => {
            return match bytes[start] {
                b'(' => objects_of(script, start + 1, end - 1, out, depth + 1),
                b'{' => {
                    object_keys(script, start + 1, end - 1, out);
                    Some(())
                }
                _ => {
                    let mut from = start + 1;
                    let mut any = false;
                    let commas = top_level_commas(bytes, start + 1, end - 1);
                    for to in commas.into_iter().chain(std::iter::once(end - 1)) {
                        // A trailing comma leaves an empty element.
                        if skip_blank(bytes, from, to) < to {
                            objects_of(script, from, to, out, depth + 1)?;
                            any = true;
                        }
                        from = to + 1;
                    }
                    any.then_some(())
                }
            };
        }
        _ => {}
    }
    if let Some(body) = word_at(bytes, start, end, b"if") {
        return if_objects(script, body, end, out, depth + 1);
    }
    if let Some(body) = word_at(bytes, start, end, b"do") {
        // `do { <declarations> --- <expression> }`, the whole expression.
        let open = skip_blank(bytes, body, end);
        if bytes.get(open) != Some(&b'{') || closing(bytes, open, end) != Some(end - 1) {
            return None;
        }
        let result = header_end(bytes, open + 1, end - 1)?;
        return objects_of(script, result, end - 1, out, depth + 1);
    }
    // `<records> filter (...)`, `orderBy $.Name`, `distinctBy $.Id`: the
    // same records, fewer or reordered; their argument must be all that
    // follows (one group in parentheses, or a plain selector), so that
    // nothing such as `++ vars.more` adds records unread.
    // One pass over the text finds the last of each word standing at the
    // top level (the text may be long; each level of the output is read
    // once).
    let [map_at, last_keeping] = last_top_level_words(bytes, start, end);
    // Only after the last `map`: `payload filter (...) map { ... }` filters
    // the input, and the map's objects are the records.
    if let Some((at, len)) = last_keeping.filter(|(at, _)| map_at.is_none_or(|(m, _)| *at > m)) {
        let arg = skip_blank(bytes, at + len, end);
        let whole_group =
            bytes.get(arg) == Some(&b'(') && closing(bytes, arg, end) == Some(end - 1);
        let selector = arg < end
            && bytes[arg..end]
                .iter()
                .all(|&b| b == b'$' || b == b'.' || is_name_byte(b));
        if (whole_group || selector) && skip_blank(bytes, start, at) < at {
            return objects_of(script, start, at, out, depth + 1);
        }
        return None;
    }
    // `<expression> map <lambda>`: the last `map` at the top level.
    let (map_at, _) = map_at?;
    if skip_blank(bytes, start, map_at) >= map_at {
        return None;
    }
    lambda_objects(script, map_at + 3, end, out, depth + 1)
}

/// The offset after the keyword `word` when `start..end` begins with it
/// (a whole word: `iffy` is a name).
fn word_at(bytes: &[u8], start: usize, end: usize, word: &[u8]) -> Option<usize> {
    let after = start + word.len();
    (after <= end
        && &bytes[start..after] == word
        && bytes.get(after).is_none_or(|&b| !is_name_byte(b)))
    .then_some(after)
}

/// The keys of `if (<condition>) <then> else <otherwise>` (from after the
/// `if` to `end`): both branches', each of which must be read. `<then>`
/// ends at the first `else` standing at the top level after the condition;
/// `<otherwise>` may itself be an `if` (`else if`).
fn if_objects<'s>(
    script: &'s str,
    start: usize,
    end: usize,
    out: &mut Vec<Key<'s>>,
    depth: usize,
) -> Option<()> {
    let bytes = script.as_bytes();
    let open = skip_blank(bytes, start, end);
    if bytes.get(open) != Some(&b'(') {
        return None;
    }
    let then_start = closing(bytes, open, end)? + 1;
    let else_at = top_level_word(bytes, then_start, end, b"else")?;
    objects_of(script, then_start, else_at, out, depth)?;
    objects_of(script, else_at + 4, end, out, depth)
}

/// The offset of the first `word` standing at the top level of
/// `start..end` (outside brackets, strings and comments).
fn top_level_word(bytes: &[u8], start: usize, end: usize, word: &[u8]) -> Option<usize> {
    top_level_words(bytes, start, end)
        .find(|(_, w)| *w == word)
        .map(|(at, _)| at)
}

/// The names standing at the top level of `start..end` (outside brackets,
/// strings and comments), each with its offset, in order.
fn top_level_words(bytes: &[u8], start: usize, end: usize) -> impl Iterator<Item = (usize, &[u8])> {
    let mut depth = 0usize;
    let mut i = start;
    std::iter::from_fn(move || {
        while i < end {
            let b = bytes[i];
            match b {
                b'/' => {
                    if let Some(e) = comment_end(bytes, i) {
                        i = e;
                        continue;
                    }
                }
                b'"' | b'\'' | b'`' => {
                    i = dw_string_end(bytes, i) + 1;
                    continue;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                _ if is_name_byte(b) => {
                    let from = i;
                    while i < end && is_name_byte(bytes[i]) {
                        i += 1;
                    }
                    if depth == 0 {
                        return Some((from, &bytes[from..i]));
                    }
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        None
    })
}

/// The keys of the objects a `map`'s lambda (`start..end`) outputs: `{
/// ... }` (with `$`), `(c) -> <expression>`, `((c, i) -> <expression>)`.
fn lambda_objects<'s>(
    script: &'s str,
    start: usize,
    end: usize,
    out: &mut Vec<Key<'s>>,
    depth: usize,
) -> Option<()> {
    if depth > MAX_DEPTH {
        return None;
    }
    let bytes = script.as_bytes();
    let start = skip_blank(bytes, start, end);
    let end = trim_end(bytes, start, end);
    match bytes.get(start)? {
        b'{' => objects_of(script, start, end, out, depth + 1),
        b'(' => {
            let close = closing(bytes, start, end)?;
            if close == end - 1 {
                // The whole lambda in parentheses.
                return lambda_objects(script, start + 1, end - 1, out, depth + 1);
            }
            let arrow = skip_blank(bytes, close + 1, end);
            if bytes.get(arrow..arrow + 2) != Some(b"->") {
                return None;
            }
            objects_of(script, arrow + 2, end, out, depth + 1)
        }
        _ => None,
    }
}

/// Of the names standing at the top level of `start..end` (outside
/// brackets, strings and comments): the offset of the last `map`, and the
/// offset and length of the last of `filter`, `orderBy` and `distinctBy`
/// (which keep the records' keys).
fn last_top_level_words(bytes: &[u8], start: usize, end: usize) -> [Option<(usize, usize)>; 2] {
    let mut map = None;
    let mut keeping = None;
    for (at, word) in top_level_words(bytes, start, end) {
        match word {
            b"map" => map = Some((at, 3)),
            b"filter" | b"orderBy" | b"distinctBy" => keeping = Some((at, word.len())),
            _ => {}
        }
    }
    [map, keeping]
}

/// The keys of the entries of the object whose content is `start..end`.
fn object_keys<'s>(script: &'s str, start: usize, end: usize, out: &mut Vec<Key<'s>>) {
    let bytes = script.as_bytes();
    let mut from = start;
    let commas = top_level_commas(bytes, start, end);
    for to in commas.into_iter().chain(std::iter::once(end)) {
        if let Some(key) = entry_key(script, from, to) {
            out.push(key);
        }
        from = to + 1;
    }
}

/// The field the entry `start..end` sets when it is written `key: value`
/// with a plain or quoted key: the key itself, or, when the value is an
/// object (a related record found by its external id), the lookup field of
/// the relationship the key names (`Account__r` sets `Account__c`, `Account`
/// sets `AccountId`).
fn entry_key(script: &str, start: usize, end: usize) -> Option<Key<'_>> {
    let bytes = script.as_bytes();
    let i = skip_blank(bytes, start, end);
    let b = *bytes.get(i)?;
    if b == b'(' {
        // `(key: value) if (...)`: written when the condition holds.
        let close = closing(bytes, i, end)?;
        let after = skip_blank(bytes, close + 1, end);
        word_at(bytes, after, end, b"if")?;
        return entry_key(script, i + 1, close);
    }
    let (key, at, after) = if b == b'"' || b == b'\'' {
        let close = dw_string_end(bytes, i);
        if close >= end {
            return None;
        }
        (script.get(i + 1..close)?, i + 1, close + 1)
    } else if is_name_start(b) {
        let mut j = i;
        while j < end && is_name_byte(bytes[j]) {
            j += 1;
        }
        (script.get(i..j)?, i, j)
    } else {
        return None;
    };
    let colon = skip_blank(bytes, after, end);
    if bytes.get(colon) != Some(&b':') || bytes.get(colon + 1) == Some(&b':') {
        return None;
    }
    let value = skip_blank(bytes, colon + 1, end);
    if value >= end {
        return None;
    }
    if bytes[value] == b'{' {
        return lookup_field(key).map(|field| (Cow::Owned(field), at));
    }
    Some((Cow::Borrowed(key), at))
}

/// The lookup field behind relationship name `name`: `X__r` is `X__c`
/// (custom), a standard relationship `Account` is `AccountId`.
fn lookup_field(name: &str) -> Option<String> {
    let custom = name
        .len()
        .checked_sub(3)
        .filter(|&n| name.is_char_boundary(n) && name[n..].eq_ignore_ascii_case("__r"))
        .map(|n| format!("{}__c", &name[..n]))
        .filter(|field| is_custom_field_name(field));
    custom.or_else(|| is_standard_field_name(name).then(|| format!("{name}Id")))
}

/// A custom field's API name: `Tier__c`, `ns__Tier__c` (letters, digits and
/// single underscores, starting with a letter, in one or two parts).
pub(crate) fn is_custom_field_name(name: &str) -> bool {
    let Some(stem) = name
        .len()
        .checked_sub(3)
        .filter(|&n| name.is_char_boundary(n) && name[n..].eq_ignore_ascii_case("__c"))
        .map(|n| &name[..n])
    else {
        return false;
    };
    let parts: Vec<&str> = stem.split("__").collect();
    parts.len() <= 2 && parts.iter().all(|p| is_api_part(p))
}

/// A standard field's API name as Salesforce writes them: a capital letter,
/// then letters and digits (`Phone`, `AccountId`).
pub(crate) fn is_standard_field_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_uppercase()) && bytes.all(|b| b.is_ascii_alphanumeric())
}

/// One part of an API name: a letter, then letters, digits and single
/// underscores, not ending with one.
fn is_api_part(part: &str) -> bool {
    part.starts_with(|c: char| c.is_ascii_alphabetic())
        && !part.ends_with('_')
        && !part.contains("__")
        && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(script: &str) -> Option<Vec<Cow<'_, str>>> {
        output_object_keys(script).map(|v| v.into_iter().map(|(k, _)| k).collect())
    }

    #[test]
    fn the_output_forms_read() {
        let header = "%dw 2.0\noutput application/java\nvar x = {Not__c: 1}\n---\n";
        assert_eq!(
            keys(&format!(
                "{header}{{ Tier__c: 1, \"Name\": 'a', 'Q__c': x }}"
            ))
            .unwrap(),
            ["Tier__c", "Name", "Q__c"]
        );
        assert_eq!(
            keys(&format!("{header}[{{A__c: 1}}, {{B__c: 2,}}]")).unwrap(),
            ["A__c", "B__c"]
        );
        assert_eq!(
            keys(
                "payload map (c, i) -> {\n  C__c: c.x, // D__c: 1\n  E__c: [1, 2] joinBy \";\"\n}"
            )
            .unwrap(),
            ["C__c", "E__c"]
        );
        assert_eq!(
            keys("#[payload map ((c) -> { F__c: c.f })]").unwrap(),
            ["F__c"]
        );
        assert_eq!(keys("(payload map { G__c: $.g })").unwrap(), ["G__c"]);
        // Records filtered or ordered are the same records.
        assert_eq!(
            keys("payload map {\n  H__c: $.h\n} filter ($.H__c != null and $.x != \"\")").unwrap(),
            ["H__c"]
        );
        assert_eq!(
            keys("payload map { J__c: $.j } orderBy $.J__c distinctBy $.J__c").unwrap(),
            ["J__c"]
        );
        assert_eq!(
            keys("payload filter ($.x != null) map { K__c: $.k }").unwrap(),
            ["K__c"]
        );
        assert_eq!(keys("#[[{H__c: 'x'}]]").unwrap(), ["H__c"]);
        // A related record's keys are another object's fields: its
        // relationship sets this object's lookup field. Dynamic entries are
        // not read; conditional entries are (a write may set them).
        assert_eq!(
            keys("{Account__r: {External_Id__c: 1}, Account: {X__c: 2}, (Cond__c: 1) if true, (k): 2, I__c: 3, (ns__Rel__r: {Y__c: 1}) if x, (L__c: 4) unless, x___r: {Z__c: 1}, lower: {W__c: 1}}")
                .unwrap(),
            ["Account__c", "AccountId", "Cond__c", "I__c", "ns__Rel__c"]
        );
        // Both branches of an `if`, `else if` chains, and `do` blocks.
        assert_eq!(
            keys("if (payload.vip) {A__c: 1} else {B__c: 2}").unwrap(),
            ["A__c", "B__c"]
        );
        assert_eq!(
            keys("%dw 2.0\n---\nif (a) [{A__c: 1}] else if (b == \"else\") {B__c: 2} else payload map {C__c: $.c}").unwrap(),
            ["A__c", "B__c", "C__c"]
        );
        assert_eq!(
            keys("payload map (c) -> if (c.x) {A__c: 1} else {B__c: 2}").unwrap(),
            ["A__c", "B__c"]
        );
        assert_eq!(
            keys("do {\n  var t = 'x'\n  ---\n  { D__c: t, (E__c: 1) if (t != null) }\n}").unwrap(),
            ["D__c", "E__c"]
        );
        // The header's own `do` blocks hold no `---` of the script.
        assert_eq!(
            keys("%dw 2.0\nfun f(x) = do { var y = {Not__c: x} --- y }\n---\n{F__c: f(1)}")
                .unwrap(),
            ["F__c"]
        );
        // Not read.
        for script in [
            "vars.records",
            "#[payload]",
            "payload map { A__c: 1 } filter true ++ vars.more",
            "payload map { A__c: 1 } filter ($.x) ++ vars.more",
            "filter (1)",
            "if (true) {A__c: 1} else vars.other",
            "if (true) {A__c: 1}",
            "iffy {A__c: 1}",
            "do { var x = 1 }",
            "do { --- {A__c: 1} } ++ vars.more",
            "{A__c: 1} ++ vars.more",
            "[{A__c: 1}, vars.more]",
            "flatten(payload map { A__c: 1 })",
            "",
            "{A__c: 1",
        ] {
            assert_eq!(keys(script), None, "{script}");
        }
    }

    #[test]
    fn offsets_point_at_keys() {
        let script = "---\n{ \"Tier__c\": 1,\n  Level__c: 2 }";
        for (key, at) in output_object_keys(script).unwrap() {
            assert_eq!(&script[at..at + key.len()], key);
        }
    }

    #[test]
    fn field_names() {
        for name in ["Tier__c", "ns__Tier__c", "A1_b__c", "X__C"] {
            assert!(is_custom_field_name(name), "{name}");
        }
        for name in [
            "__c",
            "Tier_c",
            "a__b__c__c",
            "_x__c",
            "x___c",
            "Tier__r",
            "1a__c",
        ] {
            assert!(!is_custom_field_name(name), "{name}");
        }
        assert!(is_standard_field_name("AccountId"));
        assert!(!is_standard_field_name("accountId"));
        assert!(!is_standard_field_name("Account__r"));
    }
}
