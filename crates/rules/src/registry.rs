use crate::{minimize_damage, protect_access, protect_credentials, Rule};

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
}
