//! IG210 session-ip-lock-off on the shared org fixtures (see `org/mod.rs`), both formats.

use crate::common;
use crate::org;

use org::{Format, FORMATS};

#[test]
fn positive() {
    for f in FORMATS {
        org::assert_places(
            "IG210",
            f,
            true,
            &[
                ("md:settings/Security.settings", 26),
                ("md:settings/Security.settings", 30),
            ],
        );
    }
}

#[test]
fn negative() {
    for f in FORMATS {
        common::assert_clean("IG210", &f.fixture(false));
    }
}

#[test]
fn low_severity_and_keys() {
    let findings = common::run("IG210", &Format::Sfdx.fixture(true));
    assert!(findings
        .iter()
        .all(|f| f.severity == intguard_model::Severity::Low));
    assert_eq!(
        findings[0].fingerprint_key,
        "SecuritySettings|enforceIpRangesEveryRequest"
    );
    assert_eq!(
        findings[1].fingerprint_key,
        "SecuritySettings|lockSessionsToIp"
    );
}

/// Found by testing as a user would: in a Metadata API project the org
/// settings findings (IG111, IG204, IG207, IG210) told to edit
/// `settings/Security.settings-meta.xml`, a file that format does not have
/// (`src/settings/Security.settings`). The fix names the file the finding
/// is in, from its `settings/` folder on, in both formats.
#[test]
fn settings_fixes_name_the_file_of_either_format() {
    for format in FORMATS {
        let mut seen = 0;
        for id in ["IG111", "IG204", "IG207", "IG210"] {
            for f in common::run(id, &format.fixture(true)) {
                let path = f.location.path.as_str();
                let Some(i) = path.find("/settings/") else {
                    continue;
                };
                let file = &path[i + 1..];
                assert!(
                    f.fix.contains(&format!("in {file}:")),
                    "{id} {format:?} at {path}: {}",
                    f.fix
                );
                seen += 1;
            }
        }
        assert!(seen >= 4, "{format:?}: {seen}");
    }
}
