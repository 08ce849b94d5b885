//! Hand-made findings, diagnostics and rules for the reporter tests. Every
//! "secret" here is already a mask, as the engine would leave it; no real or
//! fake secret value appears anywhere.
#![allow(dead_code)]

use std::collections::BTreeMap;

use intguard_model::{Diagnostic, Finding, Location, Practice, Related, RuleMeta, Severity};
use intguard_report::{Report, Summary};

pub const TOOL: &str = "intguard";
pub const VERSION: &str = "0.0.0-test";

pub static IG101: RuleMeta = RuleMeta {
    id: "IG101",
    name: "password-auth",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::High,
    summary: "A Salesforce connection authenticates with a username and password",
    doc: "## What it does\nFlags Salesforce connections that log in with a password.\n\n## Why is this bad?\nA password is a shared secret.\n\n## Example\n```xml\n<salesforce:basic-connection username=\"u\" password=\"${secure::p}\"/>\n```\n\n## How to fix\nUse `<salesforce:jwt-connection>`.\n\n## References\n- Salesforce Help: OAuth 2.0 JWT Bearer Flow\n",
};

pub static IG102: RuleMeta = RuleMeta {
    id: "IG102",
    name: "plaintext-secret",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::Critical,
    summary: "A secret is written in clear in XML or a property file",
    doc: "## What it does\nFlags secret-bearing values written in clear.\n\n## Why is this bad?\nAnyone with the repository has the secret.\n\n## Example\n```yaml\nsfdc:\n  password: \"…\"\n```\n\n## How to fix\nEncrypt it with the Secure Properties Tool.\n\n## References\n- MuleSoft Docs: Secure Configuration Properties\n",
};

pub static IG105: RuleMeta = RuleMeta {
    id: "IG105",
    name: "committed-private-key",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::High,
    summary: "A private key or keystore is committed to the repository",
    doc: "## What it does\nFlags private keys and keystores in the repository.\n\n## Why is this bad?\nThe key is the credential.\n\n## Example\n`keys/sfdc.jks`\n\n## How to fix\nRemove it and rotate the certificate.\n\n## References\n- Salesforce Help: Create a Private Key and Self-Signed Digital Certificate\n",
};

pub static IG109: RuleMeta = RuleMeta {
    id: "IG109",
    name: "plain-http",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::High,
    summary: "Traffic goes over plain HTTP",
    doc: "## What it does\nFlags `http://` URLs and HTTP configs without TLS.\n\n## Why is this bad?\nCredentials cross the network in clear.\n\n## Example\n`http://login.salesforce.com`\n\n## How to fix\nUse HTTPS.\n\n## References\n- MuleSoft Docs: HTTP Connector, TLS\n",
};

pub static IG201: RuleMeta = RuleMeta {
    id: "IG201",
    name: "ip-restrictions-relaxed",
    practice: Practice::ProtectAccess,
    default_severity: Severity::High,
    summary: "A connected app does not enforce IP restrictions",
    doc: "## What it does\nFlags relaxed IP restrictions.\n\n## Why is this bad?\nStolen credentials work from anywhere.\n\n## Example\n`<ipRelaxation>BYPASS</ipRelaxation>`\n\n## How to fix\nSet ENFORCE.\n\n## References\n- Salesforce Help: Connected App IP Relaxation\n",
};

pub static IG303: RuleMeta = RuleMeta {
    id: "IG303",
    name: "shared-integration-user",
    practice: Practice::MinimizeDamage,
    default_severity: Severity::High,
    summary: "One Salesforce username is used by more than one app",
    doc: "## What it does\nFlags a username shared by several apps.\n\n## Why is this bad?\nOne leak exposes every app.\n\n## Example\nTwo apps with `orders@acme.example`.\n\n## How to fix\nOne integration user per system.\n\n## References\n- Salesforce Architects: Integration user best practices\n",
};

pub fn rules() -> Vec<&'static RuleMeta> {
    vec![&IG101, &IG102, &IG105, &IG109, &IG201, &IG303]
}

const GLOBAL: &str = "apps/orders/src/main/mule/global.xml";
const DEV: &str = "apps/orders/src/main/resources/config-dev.yaml";
const PROD: &str = "apps/orders/src/main/resources/config-prod.yaml";
const BILLING: &str = "apps/billing/src/main/mule/global.xml";

fn fp(mut f: Finding, fingerprint: &str, snippet: Option<&str>) -> Finding {
    f.fingerprint = fingerprint.to_string();
    f.snippet = snippet.map(Into::into);
    f
}

/// Sorted by path, line, rule, as the engine hands them over.
pub fn findings() -> Vec<Finding> {
    vec![
        fp(
            Finding::new(&IG303, Location::new(BILLING, 8, 5), "Salesforce user `orders@acme.example` is shared by 2 apps: billing, orders")
                .identity("orders@acme.example")
                .environments(["prod"])
                .related(Related::new(&Location::new(GLOBAL, 12, 9), "orders connects as orders@acme.example (prod)"))
                .fix("Give each app its own integration user, with a permission set holding only what that app uses."),
            "5e1d0c3b2a4f6e7d",
            Some("    <salesforce:jwt-connection principal=\"${sfdc.username}\" consumerKey=\"${secure::sfdc.key}\"/>"),
        ),
        fp(
            Finding::new(&IG101, Location::new(GLOBAL, 12, 9), "orders `Salesforce_Config` (salesforce:basic-connection) authenticates with a username, password and security token (SOAP login) as orders@acme.example")
                .identity("orders@acme.example")
                .environments(["dev", "prod"])
                .related(Related::new(&Location::new(DEV, 3, 3), "sfdc.username for dev"))
                .related(Related::new(&Location::new(PROD, 3, 3), "sfdc.username for prod"))
                .fix("Replace <salesforce:basic-connection> with <salesforce:jwt-connection> (consumerKey, keyStore, storePassword, principal) backed by a certificate."),
            "9a8b7c6d5e4f3a2b",
            Some("        <salesforce:basic-connection username=\"${sfdc.username}\" password=\"${secure::sfdc.password}\" securityToken=\"${secure::sfdc.token}\"/>"),
        ),
        fp(
            Finding::new(&IG109, Location::new(GLOBAL, 20, 5), "HTTP request config `billing_http` calls http://billing.acme.example without TLS")
                .severity(Severity::Medium)
                .fix("Use protocol=\"HTTPS\" with a <tls:context>."),
            "0f1e2d3c4b5a6978",
            Some("    <http:request-connection host=\"billing.acme.example\" port=\"80\"/>"),
        ),
        fp(
            Finding::new(&IG102, Location::new(DEV, 4, 13), "`sfdc.password` holds a password in clear: Ti…(10) sha256:1a2b3c4d")
                .identity("orders@acme.example")
                .environments(["dev"])
                .fix("Encrypt it with the Secure Properties Tool and reference it as ${secure::sfdc.password}."),
            "1c2d3e4f5a6b7c8d",
            Some("  password: \"Ti…(10)\""),
        ),
        fp(
            Finding::new(&IG105, Location::file("keys/sfdc.jks"), "A Java keystore is committed to the repository (its password is not)")
                .severity(Severity::Low)
                .fix("Remove keys/sfdc.jks from the repository and its history; keep it in the runtime's secret store."),
            "7d6c5b4a39281706",
            None,
        ),
    ]
}

pub fn diagnostics() -> Vec<Diagnostic> {
    vec![
        Diagnostic::warning(
            "xml-syntax",
            "apps/broken/src/main/mule/bad.xml",
            "unexpected end of file inside <flow>",
        )
        .at(3, 14),
        Diagnostic::error(
            "not-utf8",
            "apps/broken/src/main/resources/legacy.properties",
            "not valid UTF-8; skipped",
        ),
    ]
}

pub fn summary_for(findings: &[Finding], diagnostics: usize) -> Summary {
    let mut by_severity = BTreeMap::new();
    for f in findings {
        *by_severity.entry(f.severity).or_insert(0) += 1;
    }
    let fail_on = Some(Severity::High);
    Summary {
        files: 57,
        bytes: 123_456,
        apps: 3,
        org: None,
        total: findings.len(),
        failed: findings.iter().any(|f| f.severity.at_least(Severity::High)),
        by_severity,
        suppressed: 2,
        baselined: 1,
        diagnostics,
        fail_on,
    }
}

/// Owns what a [`Report`] borrows.
pub struct Fixture {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub rules: Vec<&'static RuleMeta>,
    /// Ids the configuration disabled.
    pub disabled_rules: Vec<&'static str>,
    pub summary: Summary,
    /// The scan's working directory, as the CLI passes it.
    pub working_directory: Option<std::path::PathBuf>,
}

impl Fixture {
    pub fn new(findings: Vec<Finding>, diagnostics: Vec<Diagnostic>) -> Self {
        let summary = summary_for(&findings, diagnostics.len());
        Fixture {
            findings,
            diagnostics,
            rules: rules(),
            disabled_rules: Vec::new(),
            summary,
            working_directory: Some("/work/acme".into()),
        }
    }

    /// The sample scan: 5 findings, 2 diagnostics.
    pub fn sample() -> Self {
        Fixture::new(findings(), diagnostics())
    }

    /// Nothing found, nothing hidden, no diagnostics.
    pub fn empty() -> Self {
        let mut fx = Fixture::new(Vec::new(), Vec::new());
        fx.summary.suppressed = 0;
        fx.summary.baselined = 0;
        fx
    }

    pub fn report(&self) -> Report<'_> {
        Report {
            tool_name: TOOL,
            tool_version: VERSION,
            findings: (&self.findings).into(),
            diagnostics: &self.diagnostics,
            rules: &self.rules,
            disabled_rules: &self.disabled_rules,
            summary: &self.summary,
            working_directory: self.working_directory.as_deref(),
            source_root: None,
            linked_paths: &[],
            hidden: None,
        }
    }
}

/// The sample's high finding and its low one (tests of the severity
/// order build on them).
pub fn high_and_low(sample: &[Finding]) -> (&Finding, &Finding) {
    let (high, low) = (&sample[1], &sample[4]);
    assert_eq!(
        (high.severity, low.severity),
        (
            intguard_model::Severity::High,
            intguard_model::Severity::Low
        )
    );
    (high, low)
}

/// The start line of each SARIF result, in order.
pub fn start_lines(results: &[serde_json::Value]) -> Vec<u64> {
    results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect()
}
