use intguard_model::{Finding, Inventory, Practice, RuleMeta, Severity};

use crate::Rule;

pub struct HealthCheckRisk;

static META: RuleMeta = RuleMeta {
    id: "IG211",
    name: "health-check-risk",
    practice: Practice::ProtectAccess,
    default_severity: Severity::High,
    summary: "The org's Security Health Check scores poorly or has high-risk settings",
    doc: r#"## What it does
Org audits only (`intguard org audit`, or `intguard scan --org-snapshot`). Reads the
Security Health Check (Tooling API `SecurityHealthCheck` and its
`SecurityHealthCheckRisks`) and reports:
- each setting rated `HIGH_RISK` (high), with the org's value and the baseline's;
- each setting rated `MEDIUM_RISK` (low);
- a score under 70 ("poor" or "very poor" in Setup) (medium).

When the auditing user cannot read the Health Check, a diagnostic says the rule did not
check.

## Why is this bad?
Health Check compares the org's password policies, session settings, network access and
login policies with Salesforce's baseline. Integration users live under the same org
policies: a short minimum password length, sessions not locked to their IP or a relaxed
lockout make every integration credential easier to guess, replay or reuse.

## Example
```text
Health Check score 54
HIGH_RISK  PasswordPolicies  Minimum password length  org 8, standard 12
```

## How to fix
Setup > Health Check: use "Fix Risks" for the listed settings, or change them where
they live (Setup > Password Policies, Session Settings, Network Access), then re-run
the audit. A custom baseline can adapt the standard to the org's policy.

## References
- Salesforce Help: Salesforce Health Check
- Salesforce Help: Security Health Check Standard Baseline
- Tooling API: SecurityHealthCheck, SecurityHealthCheckRisks
"#,
};

/// Under this, Setup calls the score poor.
const POOR_SCORE: f64 = 70.0;

impl Rule for HealthCheckRisk {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let Some(hc) = inventory.org.as_ref().and_then(|o| o.health_check.as_ref()) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(score) = hc.score.filter(|s| *s < POOR_SCORE) {
            out.push(
                Finding::new(
                    &META,
                    hc.location.clone(),
                    format!("the org's Security Health Check score is {score} (under {POOR_SCORE})"),
                )
                .severity(Severity::Medium)
                .key("health-check|score")
                .fix("Setup > Health Check: fix the high-risk settings first (\"Fix Risks\"), then the medium ones."),
            );
        }
        for r in &hc.risks {
            let severity = match r.risk_type.as_str() {
                "HIGH_RISK" => Severity::High,
                "MEDIUM_RISK" => Severity::Low,
                _ => continue,
            };
            let group = r
                .setting_group
                .as_deref()
                .map(|g| format!(" ({g})"))
                .unwrap_or_default();
            out.push(
                Finding::new(
                    &META,
                    hc.location.clone(),
                    format!(
                        "Health Check rates \"{}\"{group} {}: the org has {}, the baseline {}",
                        r.setting,
                        r.risk_type,
                        r.org_value.as_deref().unwrap_or("(none)"),
                        r.standard_value.as_deref().unwrap_or("(none)")
                    ),
                )
                .severity(severity)
                .key(format!("health-check|{}", r.setting))
                .fix(format!(
                    "Setup > Health Check > \"{}\": Fix Risks, or change it to {} where it is set.",
                    r.setting,
                    r.standard_value.as_deref().unwrap_or("the baseline value")
                )),
            );
        }
        out
    }
}
