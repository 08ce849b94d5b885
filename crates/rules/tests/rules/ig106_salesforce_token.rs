//! IG106 salesforce-token on fixture trees holding fake tokens of the real
//! shapes (access token `00D...!...`, refresh token `5Aep861...`, consumer
//! key `3MVG9...` with its secret).

use crate::common;

use intguard_model::Severity;

const ACCESS: &str = "00D5e000000DhU4!AQXAQmbYXUhDTm_y9IUfpD011RvlQCy2dsxWWHNCCI8VAhyDkjlmUoaYaLZVPvfCnABW1Z9gVPgZ36he38xhZ_hMH0qP.fels3ndi";
const REFRESH: &str =
    "5Aep861ALS.StkTZE5Zbj4u_jQiwihi7.Z7_mWtBrE3C4qQLAAIjd24DIL0OuHSny0DrNxNmJA4luSa8AIJoxOq";
const KEY: &str =
    "3MVG9IOKz_90IsT.upEhb5d8tHObYvJMr44nQh9PpuAaJtyE_2S_0LaX1tGTVDzhaD0kyxspHDn_Ka7_WxYmh";
const SECRET: &str = "862FC6DABDF674A8EAC4F064709D27FB0BF333712ED7C3D12F3D450AA1A59F88";

#[test]
fn positive() {
    common::assert_places(
        "IG106",
        "IG106/positive",
        &[
            ("README.md", 12),
            ("orders-sapi/src/main/resources/properties/dev.yaml", 4),
            ("scripts/refresh-token.sh", 5),
            ("scripts/refresh-token.sh", 7),
            ("scripts/smoke-test.sh", 9),
        ],
    );
}

#[test]
fn kinds_masks_and_pairs() {
    let findings = common::run("IG106", "IG106/positive");
    assert!(findings.iter().all(|f| f.severity == Severity::Critical));
    let readme = findings
        .iter()
        .find(|f| f.location.path.ends_with("README.md"))
        .unwrap();
    assert!(
        readme.message.contains("access (session) token 00…("),
        "{}",
        readme.message
    );
    assert!(readme.message.contains("sha256:"));
    assert!(readme.fix.contains("/services/oauth2/revoke"));
    // The same token in README.md and smoke-test.sh has the same masked fingerprint.
    let smoke = findings
        .iter()
        .find(|f| f.location.path.ends_with("smoke-test.sh"))
        .unwrap();
    let fp = |m: &str| m.split("sha256:").nth(1).unwrap()[..8].to_string();
    assert_eq!(fp(&readme.message), fp(&smoke.message));
    // Consumer key + secret in the same file: one finding pointing at the secret.
    let pair = findings
        .iter()
        .find(|f| f.location.path.ends_with("properties/dev.yaml"))
        .unwrap();
    assert!(pair.message.contains("consumer secret"), "{}", pair.message);
    assert!(pair
        .related
        .iter()
        .any(|r| r.path.ends_with("properties/dev.yaml") && r.line == 5));
    let script_pair = findings
        .iter()
        .find(|f| f.location.path.ends_with("refresh-token.sh") && f.location.line == 5)
        .unwrap();
    assert!(
        script_pair.related.iter().any(|r| r.line == 6),
        "{:?}",
        script_pair.related
    );
}

#[test]
fn no_fixture_secret_in_output() {
    common::assert_no_secrets(
        "IG106/positive",
        &[ACCESS, REFRESH, KEY, SECRET, "AQXAQmbYXUhDTm"],
    );
}

#[test]
fn negative() {
    common::assert_clean("IG106", "IG106/negative");
}

/// Found by review: a session id URL-encoded in a query string (`%21` for
/// `!`, as in a frontdoor.jsp link) was missed.
#[test]
fn url_encoded_session_id() {
    let rel = "IG106/url-encoded";
    common::assert_places("IG106", rel, &[("logs/frontdoor.log", 2)]);
    let findings = common::run("IG106", rel);
    let f = &findings[0];
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.location.column, 86, "at the token");
    assert!(
        f.message.contains("access (session) token 00…("),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("acme.my.salesforce.com"),
        "{}",
        f.message
    );
    common::assert_no_secrets(
        rel,
        &[
            "00DFx000000PqRs%21AQ0AQUrlEncodedFixtureTokenBody1234567890abcdefghij.klmn",
            "AQ0AQUrlEncodedFixtureTokenBody",
        ],
    );
}

/// A consumer key a Salesforce connection reads goes with that connection's
/// own consumer secret: the JWT connection's key (which has no secret) is not
/// reported, although another system's client secret sits in the same file,
/// and the password flow's key names its own secret, not that one.
#[test]
fn keys_of_connections_pair_with_their_own_secret() {
    let rel = "IG106/connection-pairs";
    common::assert_places(
        "IG106",
        rel,
        &[("partner-sync/src/main/resources/config.yaml", 6)],
    );
    let findings = common::run("IG106", rel);
    let pair = &findings[0];
    assert!(
        pair.message.contains("`sf.pw.consumerSecret`") && !pair.message.contains("client_secret"),
        "{}",
        pair.message
    );
    assert_eq!(
        common::related_places(pair),
        [("config.yaml".to_string(), 7)]
    );
    common::assert_no_secrets(rel, &[]);
}

/// A Mule 3 app's consumer key and secret in its `mule-app.properties`: the
/// fix keeps them as encrypted properties the Mule 3 way, read as `${name}`
/// (a `<secure-property-placeholder:config>` decrypts them), not with Mule
/// 4's `secure::` prefix.
#[test]
fn a_mule3_pair_is_fixed_in_mule3_syntax() {
    let rel = "IG106/mule3-pair";
    let props = "ops-m3/src/main/app/mule-app.properties";
    common::assert_places("IG106", rel, &[(props, 3)]);
    let findings = common::run("IG106", rel);
    let fix = &common::finding_at(&findings, props, 3).fix;
    assert!(
        fix.contains(
            "keep them as encrypted secure properties (consumerKey=\"${sfdc.consumerKey}\") set at deploy time"
        ),
        "{fix}"
    );
    assert!(!fix.contains("secure::"), "{fix}");
    common::assert_no_secrets(rel, &[]);
}
