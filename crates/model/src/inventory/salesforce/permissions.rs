//! The permission vocabulary: which `userPermissions` are dangerous on an
//! integration user and why, and the mutual TLS permission.

use serde::Serialize;

use crate::rule_meta::Severity;

/// Why a permission is dangerous on an integration user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PermissionCategory {
    /// Admin-grade: the holder can do or grant anything (critical).
    SuperPower,
    /// Changes the org's security configuration (high).
    SecurityConfiguration,
    /// Takes data out in bulk or covers tracks (high).
    DataExfiltration,
    /// Weakens the credential (`PasswordNeverExpires`) (medium).
    CredentialHygiene,
    /// Bypasses API Access Control (`UseAnyApiClient`) (medium).
    ApiAccess,
}

impl PermissionCategory {
    /// IG302's default severity for the category.
    pub fn severity(self) -> Severity {
        match self {
            PermissionCategory::SuperPower => Severity::Critical,
            PermissionCategory::SecurityConfiguration | PermissionCategory::DataExfiltration => {
                Severity::High
            }
            PermissionCategory::CredentialHygiene | PermissionCategory::ApiAccess => {
                Severity::Medium
            }
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            PermissionCategory::SuperPower => "super power",
            PermissionCategory::SecurityConfiguration => "security configuration",
            PermissionCategory::DataExfiltration => "data exfiltration",
            PermissionCategory::CredentialHygiene => "credential hygiene",
            PermissionCategory::ApiAccess => "API access control bypass",
        }
    }
}

/// Dangerous `userPermissions` by category (names as in metadata).
pub const DANGEROUS_PERMISSIONS: &[(&str, PermissionCategory)] = &[
    ("ModifyAllData", PermissionCategory::SuperPower),
    ("ViewAllData", PermissionCategory::SuperPower),
    ("ModifyMetadata", PermissionCategory::SuperPower),
    ("CustomizeApplication", PermissionCategory::SuperPower),
    ("AuthorApex", PermissionCategory::SuperPower),
    ("ManageUsers", PermissionCategory::SuperPower),
    ("ManageInternalUsers", PermissionCategory::SuperPower),
    (
        "ManageProfilesPermissionsets",
        PermissionCategory::SuperPower,
    ),
    ("AssignPermissionSets", PermissionCategory::SuperPower),
    ("ResetPasswords", PermissionCategory::SuperPower),
    ("ManageSharing", PermissionCategory::SuperPower),
    ("ManageRoles", PermissionCategory::SuperPower),
    ("ViewAllUsers", PermissionCategory::SuperPower),
    (
        "ManagePasswordPolicies",
        PermissionCategory::SecurityConfiguration,
    ),
    (
        "ManageIpAddresses",
        PermissionCategory::SecurityConfiguration,
    ),
    (
        "ManageLoginAccessPolicies",
        PermissionCategory::SecurityConfiguration,
    ),
    (
        "ManageAuthProviders",
        PermissionCategory::SecurityConfiguration,
    ),
    (
        "ManageCertificates",
        PermissionCategory::SecurityConfiguration,
    ),
    (
        "ManageRemoteAccess",
        PermissionCategory::SecurityConfiguration,
    ),
    ("FreezeUsers", PermissionCategory::SecurityConfiguration),
    (
        "BypassMFAForUiLogins",
        PermissionCategory::SecurityConfiguration,
    ),
    ("DataExport", PermissionCategory::DataExfiltration),
    ("ExportReport", PermissionCategory::DataExfiltration),
    ("BulkApiHardDelete", PermissionCategory::DataExfiltration),
    ("ViewEventLogFiles", PermissionCategory::DataExfiltration),
    (
        "PasswordNeverExpires",
        PermissionCategory::CredentialHygiene,
    ),
    ("UseAnyApiClient", PermissionCategory::ApiAccess),
];

/// The category of a dangerous permission (case-insensitive), `None` for
/// the others.
pub fn permission_category(name: &str) -> Option<PermissionCategory> {
    let name = name.trim();
    DANGEROUS_PERMISSIONS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, c)| *c)
}

/// The "Enforce SSL/TLS Mutual Authentication" permission. Its API name is
/// not verified: any permission whose name mentions `mutual`, `tls` or `ssl`
/// (case-insensitive) is taken for it.
pub fn is_mutual_tls_permission(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("mutual") || n.contains("tls") || n.contains("ssl")
}

#[cfg(test)]
mod tests {
    use super::super::{is_integration_license, is_salesforce_managed_permission_set};
    use super::*;

    #[test]
    fn tiers() {
        assert_eq!(
            permission_category("modifyalldata").map(PermissionCategory::severity),
            Some(Severity::Critical)
        );
        assert_eq!(
            permission_category("ManageCertificates").map(PermissionCategory::severity),
            Some(Severity::High)
        );
        assert_eq!(
            permission_category("DataExport").map(PermissionCategory::severity),
            Some(Severity::High)
        );
        assert_eq!(
            permission_category("UseAnyApiClient").map(PermissionCategory::severity),
            Some(Severity::Medium)
        );
        assert_eq!(permission_category("ApiEnabled"), None);
        assert!(is_salesforce_managed_permission_set(
            "sfdcInternalInt__sfdc_scrt2"
        ));
        assert!(!is_salesforce_managed_permission_set("sfdcInternal"));
        assert!(is_integration_license("Salesforce Integration"));
        assert!(!is_integration_license("Salesforce"));
    }
}
