//! IG207 password-flows-allowed on the shared org fixtures (see `org/mod.rs`), both formats.

use crate::common;
use crate::org;

use org::{Format, FORMATS};

#[test]
fn positive() {
    for f in FORMATS {
        org::assert_places("IG207", f, true, &[("md:settings/OauthOidc.settings", 3)]);
    }
}

#[test]
fn negative() {
    for f in FORMATS {
        common::assert_clean("IG207", &f.fixture(false));
    }
}

#[test]
fn message() {
    let f = &common::run("IG207", &Format::Mdapi.fixture(true))[0];
    assert!(
        f.message.contains("blockOAuthUnPwFlow is false"),
        "{}",
        f.message
    );
    assert!(f
        .fix
        .contains("<blockOAuthUnPwFlow>true</blockOAuthUnPwFlow>"));
}
