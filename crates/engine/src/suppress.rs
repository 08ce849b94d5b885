//! Inline suppressions: `<!-- intguard-ignore IG102: reason -->` or
//! `# intguard-ignore IG102: reason`.
//!
//! A suppression covers the findings from the comment's line through its
//! `covers_until_line`, which the readers set: in XML, the end of the element
//! that follows the comment (so a comment above an element also covers the
//! findings on its children); elsewhere, the line after the comment.

use std::collections::{HashMap, HashSet};

use intguard_model::{Diagnostic, Finding, InlineSuppression};

/// Whether an inline suppression covers a finding. A suppression without a
/// reason does not count: intguard says so in a diagnostic instead.
#[cfg(test)]
fn covers(s: &InlineSuppression, f: &Finding) -> bool {
    covers_place(s, f, &f.location.path, f.location.line)
}

/// Whether `s` covers line `line` of `path` for `f`'s rule.
fn covers_place(s: &InlineSuppression, f: &Finding, path: &str, line: u32) -> bool {
    if s.location.path != path || !has_reason(s) {
        return false;
    }
    let within = s.location.line <= line && line <= last_line(s);
    within && (s.rules.is_empty() || s.rules.iter().any(|r| names(r, f)))
}

/// Whether `rule`, as a comment names it, is `f`'s (by id or name, in any
/// case).
fn names(rule: &str, f: &Finding) -> bool {
    rule.eq_ignore_ascii_case(f.rule) || rule.eq_ignore_ascii_case(f.name)
}

/// A scan's inline suppressions by file, each with its index among them
/// (what [`Uses`] records).
pub struct ByFile<'a>(HashMap<&'a str, InFile<'a>>);

/// One file's suppressions, by the first line each covers: those covering
/// a line are found among the few that start at or before it and reach it
/// (a script of 20,000 comments, each hiding the token below it, had every
/// finding tested against every comment of its file: 10 s).
struct InFile<'a> {
    /// By first line covered, then as given.
    by_line: Vec<(usize, &'a InlineSuppression)>,
    /// The furthest line any of `by_line[..=k]` covers.
    reach: Vec<u32>,
}

impl<'a> InFile<'a> {
    /// Those that may cover `line` (its lines do; each still to be asked,
    /// [`covers_place`]), in the order given.
    fn covering(&self, line: u32) -> Vec<(usize, &'a InlineSuppression)> {
        let starts = self
            .by_line
            .partition_point(|(_, s)| s.location.line <= line);
        let mut out: Vec<(usize, &InlineSuppression)> = (0..starts)
            .rev()
            .take_while(|&k| self.reach[k] >= line)
            .map(|k| self.by_line[k])
            .filter(|(_, s)| last_line(s) >= line)
            .collect();
        out.sort_unstable_by_key(|(i, _)| *i);
        out
    }
}

/// The last line a suppression covers.
fn last_line(s: &InlineSuppression) -> u32 {
    s.covers_until_line.max(s.location.line)
}

impl<'a> ByFile<'a> {
    pub fn new(suppressions: &'a [InlineSuppression]) -> Self {
        let mut by_file: HashMap<&str, Vec<(usize, &InlineSuppression)>> = HashMap::new();
        for (i, s) in suppressions.iter().enumerate() {
            by_file
                .entry(s.location.path.as_str())
                .or_default()
                .push((i, s));
        }
        let by_file = by_file
            .into_iter()
            .map(|(path, mut by_line)| {
                by_line.sort_by_key(|(i, s)| (s.location.line, *i));
                let reach = by_line
                    .iter()
                    .scan(0, |furthest, (_, s)| {
                        *furthest = last_line(s).max(*furthest);
                        Some(*furthest)
                    })
                    .collect();
                (path, InFile { by_line, reach })
            })
            .collect();
        ByFile(by_file)
    }

    /// The suppressions of `path` that may cover `line`, in the order given.
    fn covering(&self, path: &str, line: u32) -> Vec<(usize, &'a InlineSuppression)> {
        self.0
            .get(path)
            .map_or_else(Vec::new, |in_file| in_file.covering(line))
    }

    /// Whether the suppressions hide a finding: one covers its location (or
    /// one of the places it may be hidden from as well:
    /// [`Finding::suppressible_at`]) and, for a finding that groups several
    /// elements, each of the other places it stands for is covered by one
    /// too.
    pub fn hides(&self, f: &Finding) -> bool {
        let covered = |path: &str, line: u32| {
            self.covering(path, line)
                .iter()
                .any(|(_, s)| covers_place(s, f, path, line))
        };
        (covered(f.location.path.as_str(), f.location.line)
            || f.suppressible_at.iter().any(|l| covered(&l.path, l.line)))
            && f.also_at.iter().all(|l| covered(&l.path, l.line))
    }

    /// The reasons of the comments that hide `f` (see [`ByFile::hides`]):
    /// those covering its location or a place it may be hidden from, and
    /// those covering the other places it groups, each once, in the files'
    /// order.
    pub fn reasons(&self, f: &Finding) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, s) in self.covering_a_place(f) {
            let reason = s.reason.as_deref().unwrap_or_default().trim().to_string();
            if !out.contains(&reason) {
                out.push(reason);
            }
        }
        out
    }

    /// Records in `uses` the comments that hide `f`, a hidden finding, and
    /// which of the rules each names `f` is of: a comment hides it when it
    /// covers any of its places (its location, the others it groups, those
    /// it may be hidden from).
    pub fn record_uses(&self, f: &Finding, uses: &mut Uses) {
        for (i, s) in self.covering_a_place(f) {
            if s.rules.is_empty() {
                uses.0.insert((i, EVERY_RULE));
            }
            for (j, r) in s.rules.iter().enumerate() {
                if names(r, f) {
                    uses.0.insert((i, j));
                }
            }
        }
    }

    /// The comments covering a place of `f` (its location, a place it may
    /// be hidden from, another place it groups), in that order of its places,
    /// each place's in the files' order.
    fn covering_a_place<'f>(
        &'f self,
        f: &'f Finding,
    ) -> impl Iterator<Item = (usize, &'a InlineSuppression)> + 'f {
        places(f).flat_map(move |(path, line)| {
            self.covering(path, line)
                .into_iter()
                .filter(move |(_, s)| covers_place(s, f, path, line))
        })
    }
}

/// A finding's places a comment may cover: its location, the others it
/// groups, those it may be hidden from.
fn places(f: &Finding) -> impl Iterator<Item = (&str, u32)> {
    std::iter::once((f.location.path.as_str(), f.location.line)).chain(
        f.suppressible_at
            .iter()
            .chain(&f.also_at)
            .map(|l| (l.path.as_str(), l.line)),
    )
}

/// Which comments (by index among the scan's suppressions), and which of
/// the rules each names (by index), hid a finding: recorded as each
/// finding is hidden ([`ByFile::record_uses`]), so the hidden findings need
/// not be held until [`unused`] judges the comments.
#[derive(Debug, Default)]
pub struct Uses(HashSet<(usize, usize)>);

/// What [`Uses`] records for a comment naming no rule.
const EVERY_RULE: usize = usize::MAX;

fn has_reason(s: &InlineSuppression) -> bool {
    s.reason.as_deref().is_some_and(|r| !r.trim().is_empty())
}

/// Diagnostics for suppressions that are ignored (no reason) or unknown rules.
pub fn diagnostics(
    suppressions: &[InlineSuppression],
    known: impl Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in suppressions {
        let (line, col) = (s.location.line, s.location.column);
        if !has_reason(s) {
            // The example names the comment's own rules. Without the colon,
            // the reason's words were read as rules (`intguard-ignore IG109
            // - behind the LB`): they are left out of the example, and not
            // each reported as an unknown rule.
            let named: Vec<&str> = s
                .rules
                .iter()
                .map(String::as_str)
                .filter(|r| known(r))
                .collect();
            let rules = if named.is_empty() {
                "IG102".to_string()
            } else {
                named.join(", ")
            };
            out.push(
                Diagnostic::warning(
                    "suppression-without-reason",
                    s.location.path.clone(),
                    format!(
                        "intguard-ignore needs a reason after a colon (`intguard-ignore {rules}: why this is acceptable`); this one is not applied"
                    ),
                )
                .at(line, col),
            );
            continue;
        }
        for r in s.rules.iter().filter(|r| !known(r)) {
            out.push(
                Diagnostic::warning("suppression-unknown-rule", s.location.path.clone(), {
                    let near = intguard_rules::similar_rules(r);
                    if near.is_empty() {
                        format!("intguard-ignore names unknown rule {r:?}")
                    } else {
                        format!(
                            "intguard-ignore names unknown rule {r:?}: did you mean {}?",
                            near.join(", ")
                        )
                    }
                })
                .at(line, col),
            );
        }
    }
    out
}

/// Warnings for suppressions that hide nothing: a comment with a reason
/// whose lines hold no finding of the rules it names (the problem was fixed,
/// the comment is above the wrong element, or it covers only some of the
/// elements a grouped finding stands for). Left in place, it would silence
/// whatever is found there later. A comment that names several rules and
/// hides findings of some is reported for the others, each of which would
/// silence what its rule finds there later. `suppressions`: those to judge
/// (of the files whose findings are reported, naming a rule that ran), each
/// with its index; `uses`: what the findings hidden used of them;
/// `judged`: whether a rule a comment names is judged (known, enabled, able
/// to see what the scan read).
pub fn unused<'a>(
    suppressions: impl IntoIterator<Item = (usize, &'a InlineSuppression)>,
    uses: &Uses,
    judged: impl Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, s) in suppressions {
        if !has_reason(s) {
            // Already reported as not applied.
            continue;
        }
        let mut used_any = false;
        let mut idle: Vec<&str> = Vec::new();
        if s.rules.is_empty() {
            used_any = uses.0.contains(&(i, EVERY_RULE));
        } else {
            for (j, r) in s.rules.iter().enumerate() {
                if uses.0.contains(&(i, j)) {
                    used_any = true;
                } else if judged(r) {
                    idle.push(r);
                }
            }
        }
        if used_any && idle.is_empty() {
            continue;
        }
        let named = if s.rules.is_empty() {
            "intguard-ignore".to_string()
        } else {
            format!("intguard-ignore {}", s.rules.join(", "))
        };
        let until = s.covers_until_line.max(s.location.line);
        let lines = if until > s.location.line {
            format!("lines {} to {until}", s.location.line)
        } else {
            format!("line {}", s.location.line)
        };
        let message = if used_any {
            format!(
                "{named}: {} hides no finding on {lines}: remove it from the comment, or it will silence what {} there later",
                idle.join(", "),
                if idle.len() == 1 { "it finds" } else { "they find" }
            )
        } else {
            format!(
                "{named} hides no finding on {lines}: remove it, or it will silence what is found there later"
            )
        };
        out.push(
            Diagnostic::warning("suppression-unused", s.location.path.clone(), message)
                .at(s.location.line, s.location.column),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use intguard_model::Location;

    const XML: &str = "app/src/main/mule/global.xml";

    fn suppression(
        line: u32,
        until: u32,
        rules: &[&str],
        reason: Option<&str>,
    ) -> InlineSuppression {
        InlineSuppression {
            location: Location::new(XML, line, 2),
            rules: rules.iter().map(|r| r.to_string()).collect(),
            reason: reason.map(str::to_string),
            covers_until_line: until,
        }
    }

    /// [`unused`] judging every one of `suppressions`, each of `hidden`'s
    /// uses recorded as the scan records them.
    fn unused_of(
        suppressions: &[&InlineSuppression],
        hidden: &[Finding],
        judged: impl Fn(&str) -> bool,
    ) -> Vec<Diagnostic> {
        let owned: Vec<InlineSuppression> = suppressions.iter().map(|s| (*s).clone()).collect();
        let by_file = ByFile::new(&owned);
        let mut uses = Uses::default();
        for f in hidden {
            by_file.record_uses(f, &mut uses);
        }
        unused(owned.iter().enumerate(), &uses, judged)
    }

    fn finding(rule: &str, path: &str, line: u32) -> Finding {
        let meta = intguard_rules::find_rule(rule).expect("rule").meta();
        Finding::new(meta, Location::new(path, line, 3), "m")
    }

    #[test]
    fn covers_from_the_comment_through_its_extent() {
        // Comment on 38, the listener-config on 39..=41, its child on 40.
        let s = suppression(38, 41, &["IG109"], Some("health check behind the LB"));
        for line in [38, 39, 40, 41] {
            assert!(covers(&s, &finding("IG109", XML, line)), "line {line}");
        }
        for line in [0, 37, 42] {
            assert!(!covers(&s, &finding("IG109", XML, line)), "line {line}");
        }
        // Other rules, other files.
        assert!(!covers(&s, &finding("IG110", XML, 40)));
        assert!(!covers(&s, &finding("IG109", "app/other.xml", 40)));
        // By rule name, case-insensitive; no rules means every rule.
        let s = suppression(38, 41, &["Plain-HTTP"], Some("r"));
        assert!(covers(&s, &finding("IG109", XML, 40)));
        let s = suppression(38, 41, &[], Some("r"));
        assert!(covers(&s, &finding("IG110", XML, 41)));
    }

    /// A finding grouping several elements, each covered by a comment of
    /// its own: every comment's reason, each once; a comment that does not
    /// cover it (another rule) gives none.
    #[test]
    fn reasons_are_those_of_every_comment_hiding_a_finding() {
        let first = suppression(5, 6, &["IG302"], Some("vendor sync needs it"));
        let second = suppression(20, 21, &["IG302"], Some("vendor sync needs it"));
        let third = suppression(30, 31, &["IG302"], Some("until Q3"));
        let other = suppression(5, 6, &["IG109"], Some("not this one"));
        let mut f = finding("IG302", XML, 6);
        f.also_at = vec![Location::new(XML, 21, 3), Location::new(XML, 31, 3)];
        let all = [first, other, second, third];
        let by_file = ByFile::new(&all);
        assert!(by_file.hides(&f));
        assert_eq!(by_file.reasons(&f), ["vendor sync needs it", "until Q3"]);
    }

    /// Comments covering nested and overlapping stretches (an XML comment
    /// above a parent element covers its children's comments too): what
    /// hides a finding, with which reasons and which uses, is what asking
    /// every comment of the file says.
    #[test]
    fn the_comments_covering_a_line_are_all_found() {
        let mut state = 11u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let rules = ["IG102", "IG109", "plain-http"];
        let mut all: Vec<InlineSuppression> = (0..300)
            .map(|i| {
                let line = next(400) as u32 + 1;
                let until = line + [0, 1, 1, 3, 40, 150][next(6) as usize];
                let named: &[&str] = match next(4) {
                    0 => &[],
                    1 => &rules[..1],
                    2 => &rules[1..],
                    _ => &rules,
                };
                let reason = (next(10) > 0).then(|| format!("reason {}", i % 7));
                suppression(line, until, named, reason.as_deref())
            })
            .collect();
        all.push(suppression(5, 2, &[], Some("an extent before the comment")));
        let by_file = ByFile::new(&all);
        let mut uses = Uses::default();
        let mut expected: HashSet<(usize, usize)> = HashSet::new();
        for line in 0..560 {
            for rule in ["IG102", "IG109", "IG110"] {
                let f = finding(rule, XML, line);
                let naive: Vec<&InlineSuppression> = all.iter().filter(|s| covers(s, &f)).collect();
                assert_eq!(by_file.hides(&f), !naive.is_empty(), "{rule} at {line}");
                let mut reasons: Vec<String> = Vec::new();
                for s in &naive {
                    let r = s.reason.as_deref().unwrap_or_default().trim().to_string();
                    if !reasons.contains(&r) {
                        reasons.push(r);
                    }
                }
                assert_eq!(by_file.reasons(&f), reasons, "{rule} at {line}");
                by_file.record_uses(&f, &mut uses);
                for (i, s) in all.iter().enumerate().filter(|(_, s)| covers(s, &f)) {
                    if s.rules.is_empty() {
                        expected.insert((i, EVERY_RULE));
                    }
                    for (j, r) in s.rules.iter().enumerate() {
                        if r.eq_ignore_ascii_case(f.rule) || r.eq_ignore_ascii_case(f.name) {
                            expected.insert((i, j));
                        }
                    }
                }
            }
        }
        assert_eq!(uses.0, expected);
        assert!(expected.len() > 200, "{}", expected.len());
    }

    #[test]
    fn line_comments_cover_their_line_and_the_next() {
        let s = suppression(5, 6, &["IG102"], Some("demo value"));
        assert!(covers(&s, &finding("IG102", XML, 5)));
        assert!(covers(&s, &finding("IG102", XML, 6)));
        assert!(!covers(&s, &finding("IG102", XML, 7)));
        // An extent before the comment still covers the comment's own line.
        let s = suppression(5, 0, &["IG102"], Some("demo value"));
        assert!(covers(&s, &finding("IG102", XML, 5)));
        assert!(!covers(&s, &finding("IG102", XML, 6)));
    }

    /// A comment naming several rules, some of which hide nothing there,
    /// is reported for those: left in place, each would silence what its
    /// rule finds there later (`IG102, IG109` above a clear password: an
    /// `http://` URL written on that line later would pass unseen). Rules
    /// not judged (disabled, or not seeing one app alone in a partial
    /// scan) are not named.
    #[test]
    fn a_rule_a_comment_names_that_hides_nothing_there_is_reported() {
        let s = suppression(5, 6, &["IG102", "ig109", "IG206"], Some("vendor-managed"));
        let judged = |r: &str| !r.eq_ignore_ascii_case("IG206");
        let d = unused_of(&[&s], &[finding("IG102", XML, 6)], judged);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "suppression-unused");
        assert!(
            d[0].message.starts_with(
                "intguard-ignore IG102, ig109, IG206: ig109 hides no finding on lines 5 to 6: "
            ),
            "{}",
            d[0].message
        );
        // By name too: every judged rule used, nothing to say.
        let both = [finding("IG102", XML, 6), finding("IG109", XML, 5)];
        assert!(unused_of(&[&s], &both, judged).is_empty());
        let s = suppression(5, 6, &["plaintext-secret", "IG109"], Some("r"));
        assert!(unused_of(&[&s], &both, |_| true).is_empty());
        // Nothing hidden at all: the whole comment, as before.
        let s = suppression(5, 6, &["IG102", "IG109"], Some("r"));
        let d = unused_of(&[&s], &[], |_| true);
        assert!(
            d[0].message
                .starts_with("intguard-ignore IG102, IG109 hides no finding on lines 5 to 6: "),
            "{}",
            d[0].message
        );
    }

    /// A comment is used by a finding with any of its places in the
    /// comment's file (a grouped element, a place it may be hidden from),
    /// whatever file the finding itself is in; a comment in a file where
    /// nothing was hidden is reported.
    #[test]
    fn a_comment_is_used_by_a_finding_with_a_place_in_its_file() {
        const YAML: &str = "app/src/main/resources/dev.yaml";
        const OTHER: &str = "app/src/main/mule/other.xml";
        let at = |path: &str, line: u32, rules: &[&str]| InlineSuppression {
            location: Location::new(path, line, 1),
            rules: rules.iter().map(|r| r.to_string()).collect(),
            reason: Some("reviewed".to_string()),
            covers_until_line: line + 1,
        };
        let in_yaml = at(YAML, 3, &["IG102"]);
        let grouped = at(OTHER, 10, &[]);
        let idle = at(OTHER, 40, &["IG102"]);
        let mut from_yaml = finding("IG102", XML, 6);
        from_yaml.suppressible_at = vec![Location::new(YAML, 4, 3)];
        let mut spread = finding("IG302", XML, 20);
        spread.also_at = vec![Location::new(OTHER, 11, 3), Location::new(OTHER, 12, 3)];
        let hidden = [from_yaml, spread];
        let d = unused_of(&[&in_yaml, &grouped, &idle], &hidden, |_| true);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].path.as_str(), d[0].line), (OTHER, Some(40)));
        assert!(
            d[0].message
                .starts_with("intguard-ignore IG102 hides no finding on lines 40 to 41: "),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn a_suppression_without_a_reason_is_not_applied_and_is_reported() {
        for reason in [None, Some(""), Some("   ")] {
            let s = suppression(38, 41, &["IG109"], reason);
            assert!(!covers(&s, &finding("IG109", XML, 40)), "{reason:?}");
            assert!(!covers(&s, &finding("IG109", XML, 38)), "{reason:?}");
            let d = diagnostics(&[s], |_| true);
            assert_eq!(d.len(), 1);
            assert_eq!(d[0].code, "suppression-without-reason");
            assert_eq!(d[0].line, Some(38));
            // The example names the comment's own rule.
            assert!(
                d[0].message
                    .contains("`intguard-ignore IG109: why this is acceptable`"),
                "{}",
                d[0].message
            );
        }
        let ok = suppression(38, 41, &["IG109", "IG999"], Some("r"));
        let d = diagnostics(&[ok], |r| r == "IG109");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "suppression-unknown-rule");
        assert_eq!(d[0].message, "intguard-ignore names unknown rule \"IG999\"");
        // A typo gets the rule it likely meant (found by a config review:
        // the warning named the typo only).
        let typo = suppression(38, 41, &["ig1O9"], Some("r"));
        let d = diagnostics(&[typo], |r| intguard_rules::find_rule(r).is_some());
        assert_eq!(
            d[0].message,
            "intguard-ignore names unknown rule \"ig1O9\": did you mean IG109 plain-http?"
        );
    }

    /// `<!-- intguard-ignore IG109 - behind the LB -->`: the reason's words
    /// were read as rules, and each was reported as an unknown rule beside
    /// the missing reason, whose example repeated them. One warning now,
    /// naming the real rule.
    #[test]
    fn a_reason_without_its_colon_is_one_warning_naming_the_known_rules() {
        let s = suppression(8, 11, &["IG109", "-", "behind", "the", "LB"], None);
        let d = diagnostics(&[s], |r| r == "IG109");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "suppression-without-reason");
        assert!(
            d[0].message
                .contains("(`intguard-ignore IG109: why this is acceptable`)"),
            "{}",
            d[0].message
        );
    }

    /// The readers and the engine together: a comment above an XML element
    /// silences the finding on its child, and only there.
    #[test]
    fn scan_applies_xml_suppressions_to_the_subtree() {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("app");
        std::fs::create_dir_all(app.join("src/main/mule")).unwrap();
        std::fs::write(app.join("mule-artifact.json"), "{}").unwrap();
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <!-- intguard-ignore IG109: internal health check -->
  <http:listener-config name="Health">
    <http:listener-connection host="0.0.0.0" port="8081" />
  </http:listener-config>
  <!-- intguard-ignore IG109 -->
  <http:listener-config name="NoReason">
    <http:listener-connection host="0.0.0.0" port="8082" />
  </http:listener-config>
  <http:listener-config name="Api">
    <http:listener-connection host="0.0.0.0" port="8083" />
  </http:listener-config>
</mule>
"#;
        std::fs::write(app.join("src/main/mule/global.xml"), xml).unwrap();
        let outcome = crate::scan(&crate::ScanOptions {
            paths: vec![dir.path().to_path_buf()],
            threads: 1,
            ..Default::default()
        });
        let lines = |fs: &[Finding]| -> Vec<u32> {
            fs.iter()
                .filter(|f| f.rule == "IG109")
                .map(|f| f.location.line)
                .collect()
        };
        let suppressed = outcome.suppressed.to_vec();
        assert_eq!(lines(&suppressed), vec![6]);
        // Each hidden finding keeps its comment's reason.
        let reasons: Vec<Option<&str>> = suppressed
            .iter()
            .map(|f| f.suppression_reason.as_deref())
            .collect();
        assert_eq!(reasons, [Some("internal health check")]);
        assert_eq!(lines(&outcome.findings.to_vec()), vec![10, 13]);
        assert!(outcome
            .diagnostics
            .iter()
            .any(|d| d.code == "suppression-without-reason" && d.line == Some(8)));
    }

    /// The findings comments hide wait out of memory with the reported
    /// ones (`scan`) or are held (`run_rules`): both give them in the
    /// report's order (by file, then line), each with the reason of the
    /// comment hiding it, a secret in the reason masked.
    #[test]
    fn hidden_findings_come_back_in_order_with_their_reasons_masked() {
        let dir = tempfile::tempdir().unwrap();
        for (app, first_reason) in [("orders", "health check"), ("billing", "probe")] {
            let root = dir.path().join(app);
            std::fs::create_dir_all(root.join("src/main/mule")).unwrap();
            std::fs::create_dir_all(root.join("src/main/resources")).unwrap();
            std::fs::write(root.join("mule-artifact.json"), "{}").unwrap();
            let xml = format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:http="http://www.mulesoft.org/schema/mule/http"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <!-- intguard-ignore IG109: {first_reason} -->
  <http:listener-config name="Health">
    <http:listener-connection host="0.0.0.0" port="8081" />
  </http:listener-config>
  <!-- intguard-ignore: sandbox only, the old Winter2020!Sync is revoked -->
  <http:listener-config name="Api">
    <http:listener-connection host="0.0.0.0" port="8083" />
  </http:listener-config>
  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:basic-connection username="${{sfdc.username}}" password="${{sfdc.password}}" />
  </salesforce:sfdc-config>
</mule>
"#
            );
            std::fs::write(root.join("src/main/mule/global.xml"), xml).unwrap();
            std::fs::write(
                root.join("src/main/resources/config.properties"),
                "sfdc.username=int.{app}@acme.com\nsfdc.password=Winter2020!Sync\n",
            )
            .unwrap();
        }
        let options = crate::ScanOptions {
            paths: vec![dir.path().to_path_buf()],
            threads: 2,
            ..Default::default()
        };
        let hidden = |outcome: &crate::ScanOutcome| -> Vec<(String, u32, String)> {
            outcome
                .suppressed
                .iter()
                .filter(|f| f.rule == "IG109")
                .map(|f| {
                    let path = f.location.path.as_str();
                    let app = path.split(['/', '\\']).rev().nth(4).unwrap_or_default();
                    let reason = f.suppression_reason.as_deref().unwrap_or("(none)");
                    (app.to_string(), f.location.line, reason.to_string())
                })
                .collect()
        };
        let scanned = crate::scan(&options);
        let whole = crate::run_rules(crate::read::read_inventory(&options), &options);
        assert!(
            scanned
                .findings
                .iter()
                .any(|f| f.rule == "IG102" && f.message.contains("sfdc.password")),
            "the password in clear is known as a secret"
        );
        let masked = "sandbox only, the old Wi…(15) is revoked";
        let expected = [
            ("billing".to_string(), 7, "probe".to_string()),
            ("billing".to_string(), 11, masked.to_string()),
            ("orders".to_string(), 7, "health check".to_string()),
            ("orders".to_string(), 11, masked.to_string()),
        ];
        assert_eq!(hidden(&scanned), expected);
        assert_eq!(hidden(&whole), expected);
    }

    /// A suppression that hides nothing is said, at the comment; one that
    /// hides a finding, one without a reason (reported as not applied) and
    /// one naming only a rule that did not run are not.
    #[test]
    fn scan_reports_suppressions_that_hide_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("app");
        std::fs::create_dir_all(app.join("src/main/mule")).unwrap();
        std::fs::write(app.join("mule-artifact.json"), "{}").unwrap();
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <!-- intguard-ignore IG109: internal health check -->
  <http:listener-config name="Health">
    <http:listener-connection host="0.0.0.0" port="8081" />
  </http:listener-config>
  <!-- intguard-ignore IG102: left from a fixed password -->
  <http:listener-config name="Api">
    <http:listener-connection host="0.0.0.0" port="8083" />
  </http:listener-config>
  <!-- intguard-ignore IG102 -->
  <flow name="f"/>
  <!-- intguard-ignore IG206: the rule is disabled -->
  <flow name="g"/>
</mule>
"#;
        std::fs::write(app.join("src/main/mule/global.xml"), xml).unwrap();
        let mut config = crate::Config::default();
        config.rules.disable = vec!["IG206".to_string()];
        let outcome = crate::scan(&crate::ScanOptions {
            paths: vec![dir.path().to_path_buf()],
            config,
            threads: 1,
            ..Default::default()
        });
        let unused: Vec<&Diagnostic> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.code == "suppression-unused")
            .collect();
        assert_eq!(unused.len(), 1, "{unused:?}");
        assert_eq!((unused[0].line, unused[0].column), (Some(8), Some(3)));
        assert!(
            unused[0]
                .message
                .starts_with("intguard-ignore IG102 hides no finding on lines 8 to 11: "),
            "{}",
            unused[0].message
        );
        assert_eq!(outcome.suppressed.len(), 1);
    }

    /// A pre-commit scan of one file reads its app alone: a comment hiding
    /// a finding of a rule that joins apps (IG303: the user shared with
    /// another app) is not said to hide nothing there, while one naming a
    /// rule that sees the app alone still is.
    #[test]
    fn a_partial_scan_judges_only_suppressions_of_rules_that_see_one_app() {
        let dir = tempfile::tempdir().unwrap();
        for (app, suppressed) in [("billing", true), ("orders", false)] {
            let root = dir.path().join(app);
            std::fs::create_dir_all(root.join("src/main/mule")).unwrap();
            std::fs::write(root.join("mule-artifact.json"), "{}").unwrap();
            let comment = if suppressed {
                "  <!-- intguard-ignore IG303: both apps run as one user until the split -->\n  <!-- intguard-ignore IG109: fixed last sprint -->\n"
            } else {
                ""
            };
            let xml = format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="Salesforce_Config">
{comment}    <salesforce:jwt-connection consumerKey="${{sf.key}}" keyStore="sf.jks" storePassword="${{secure::sf.pw}}" principal="int.shared@acme.com" />
  </salesforce:sfdc-config>
</mule>
"#
            );
            std::fs::write(root.join("src/main/mule/global.xml"), xml).unwrap();
        }
        let unused_lines = |paths: Vec<std::path::PathBuf>| -> Vec<(String, Option<u32>)> {
            let outcome = crate::scan(&crate::ScanOptions {
                paths,
                threads: 1,
                ..Default::default()
            });
            assert!(
                outcome.findings.iter().all(|f| f.rule != "IG303"),
                "IG303 reported despite its comment: {:?}",
                outcome.findings
            );
            outcome
                .diagnostics
                .iter()
                .filter(|d| d.code == "suppression-unused")
                .map(|d| (d.message.clone(), d.line))
                .collect()
        };
        // The whole tree: IG303's comment hides the shared user; IG109's
        // hides nothing.
        let whole = unused_lines(vec![dir.path().to_path_buf()]);
        assert_eq!(whole.len(), 1, "{whole:?}");
        assert!(
            whole[0].0.starts_with("intguard-ignore IG109 "),
            "{whole:?}"
        );
        // One file of one app: IG303 cannot be found, its comment is not
        // judged; IG109's still is.
        let one = unused_lines(vec![dir.path().join("billing/src/main/mule/global.xml")]);
        assert_eq!(one.len(), 1, "{one:?}");
        assert!(one[0].0.starts_with("intguard-ignore IG109 "), "{one:?}");
    }
}
