//! Fix texts name the metadata files as the project has them: a Metadata API
//! folder (`md/src`, no `-meta.xml`), a decomposed permission set (its
//! `.userPermissions-meta.xml`) and a URL-encoded profile name
//! (`%28API Only%29`), not SFDX names rebuilt from the items' names.

use crate::common;

const APP: &str = "connectedApps/Legacy_Loader.connectedApp";
/// Admin approved: its profiles pre-authorize (Legacy_Loader's are ignored).
const APPROVED_APP: &str = "connectedApps/Loader_Approved.connectedApp";
const PROFILE: &str = "profiles/Acme Integration %28API Only%29.profile";

/// Each rule, and the files its fixes must name (each by some fix).
const CASES: &[(&str, &[&str])] = &[
    ("IG201", &[APP]),
    ("IG202", &[PROFILE]),
    ("IG203", &[APP]),
    ("IG205", &[PROFILE]),
    ("IG208", &[APP]),
    ("IG209", &[APP]),
    ("IG301", &[APPROVED_APP]),
    (
        "IG302",
        &[
            "permissionsets/Loader_Extra.permissionset",
            "permissionsets/Loader_Int/Loader_Int.userPermissions-meta.xml",
        ],
    ),
    ("IG305", &[APPROVED_APP]),
];

#[test]
fn fixes_name_the_files_read() {
    for (rule, files) in CASES {
        let findings = common::run(rule, "FIX_PATHS");
        assert!(!findings.is_empty(), "{rule} found nothing");
        for file in *files {
            assert!(
                findings.iter().any(|f| f.fix.contains(&format!("{file} "))
                    || f.fix.contains(&format!("{file}:"))
                    || f.fix.contains(&format!("{file})"))),
                "no {rule} fix names {file}: {:#?}",
                findings.iter().map(|f| &f.fix).collect::<Vec<_>>()
            );
        }
        for f in &findings {
            let invented = f
                .fix
                .match_indices("-meta.xml")
                .any(|(i, _)| !f.fix[..i].ends_with("Loader_Int.userPermissions"));
            assert!(!invented, "{rule} fix names an SFDX file: {}", f.fix);
        }
    }
}
