use crate::{minimize_damage, protect_access, protect_credentials, Rule};
use strsim::levenshtein as edit_distance;

/// Every rule, in id order.
pub fn all_rules() -> Vec<&'static dyn Rule> {
    let mut rules: Vec<&'static dyn Rule> = Vec::new();
    rules.extend(protect_credentials::RULES.iter().copied());
    rules.extend(protect_access::RULES.iter().copied());
    rules.extend(minimize_damage::RULES.iter().copied());
    rules.sort_by_key(|r| r.meta().id);
    rules
}

/// A rule by id (`IG101`, any case) or name (`password-auth`).
pub fn find_rule(id_or_name: &str) -> Option<&'static dyn Rule> {
    let wanted = id_or_name.trim();
    all_rules().into_iter().find(|r| {
        r.meta().id.eq_ignore_ascii_case(wanted) || r.meta().name.eq_ignore_ascii_case(wanted)
    })
}

/// The rules someone who typed `text` and matched none may have meant: those
/// whose id or name holds it (`password`, `tls`), else the nearest of those
/// one typo away from an id or two from a name (`IG1O1`, `IG0101`,
/// `pasword-auth`). Shown as
/// `IG101 password-auth`, for an error to suggest.
pub fn similar_rules(text: &str) -> Vec<String> {
    let text = text.trim().to_ascii_lowercase();
    if text.is_empty() {
        return Vec::new();
    }
    let shown = |r: &&'static dyn Rule| format!("{} {}", r.meta().id, r.meta().name);
    let rules = all_rules();
    let lower = |s: &str| s.to_ascii_lowercase();
    let holding: Vec<String> = rules
        .iter()
        .filter(|r| lower(r.meta().id).contains(&text) || lower(r.meta().name).contains(&text))
        .map(shown)
        .collect();
    if !holding.is_empty() {
        return holding;
    }
    // An id's letter O or l typed for a digit counts as that digit.
    let as_id: String = text
        .char_indices()
        .map(|(i, c)| match c {
            'o' if i >= 2 => '0',
            'l' | 'i' if i >= 2 => '1',
            c => c,
        })
        .collect();
    // One edit from an id (five characters: two would reach most ids,
    // `IG999` is none of them), two from a name.
    let distance = |r: &&'static dyn Rule| {
        let m = r.meta();
        let id = Some(edit_distance(&as_id, &lower(m.id))).filter(|d| *d <= 1);
        let name = Some(edit_distance(&text, &lower(m.name))).filter(|d| *d <= 2);
        id.into_iter().chain(name).min().unwrap_or(usize::MAX)
    };
    let nearest = rules.iter().map(distance).min().unwrap_or(usize::MAX);
    if nearest == usize::MAX {
        return Vec::new();
    }
    rules
        .iter()
        .filter(|r| distance(r) == nearest)
        .map(shown)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let rules = all_rules();
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for r in &rules {
            let m = r.meta();
            assert!(ids.insert(m.id), "duplicate id {}", m.id);
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            assert!(m.id.starts_with("IG") && m.id.len() == 5, "{}", m.id);
            assert!(
                m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                m.name
            );
        }
    }

    #[test]
    fn every_rule_is_documented() {
        for r in all_rules() {
            let m = r.meta();
            for section in [
                "What it does",
                "Why is this bad?",
                "Example",
                "How to fix",
                "References",
            ] {
                let text = m.section(section).unwrap_or_default();
                assert!(!text.is_empty(), "{} lacks section {section}", m.id);
            }
            assert!(!m.summary.is_empty());
        }
    }

    #[test]
    fn lookup_by_id_or_name() {
        let r = find_rule("ig101").expect("IG101");
        assert_eq!(r.meta().name, "password-auth");
        assert_eq!(find_rule("password-auth").unwrap().meta().id, "IG101");
        assert!(find_rule("IG999").is_none());
    }

    /// A typo gets the rule meant: a letter O for a zero, a missing or
    /// extra character in an id or a name; a part of a name, the rules
    /// holding it; something far from every rule, nothing.
    #[test]
    fn similar_rules_suggest_what_a_typo_meant() {
        assert_eq!(similar_rules("IG1O1"), ["IG101 password-auth"]);
        assert_eq!(similar_rules("pasword-auth"), ["IG101 password-auth"]);
        assert_eq!(
            similar_rules("plaintext-secrets"),
            ["IG102 plaintext-secret"]
        );
        assert_eq!(similar_rules("IG0101"), ["IG101 password-auth"]);
        assert!(similar_rules("password")
            .iter()
            .all(|r| r.contains("password")));
        assert!(similar_rules("password").len() > 1);
        assert!(similar_rules("kerberos-ticket").is_empty());
        assert!(similar_rules("IG999").is_empty());
        assert!(similar_rules(" ").is_empty());
    }
}
