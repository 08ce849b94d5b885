//! Paths into the shared Salesforce org fixtures (`fixtures/ORG/`): the same
//! small org in SFDX source format and in Metadata API format, with the Mule
//! apps that run as its integration users.
//!
//! - `positive-*`: int.orders@acme.com (orders-sapi, JWT) on the custom
//!   profile "Orders Integration (API)" (Salesforce license, 0.0.0.0/0 login
//!   range, PasswordNeverExpires, UseAnyApiClient, ExportReport), permission
//!   set Orders_Integration (View All Contact) and group Orders_Reporting_Group
//!   (Orders_Reporting: DataExport muted, ExportReport, Case); int.mule@acme.com
//!   (billing-sapi, password) on System Administrator, also the client
//!   credentials run-as user of connected app Legacy_Data_Loader; connected app
//!   Orders_Integration (certificate, Full, infinite refresh, BYPASS,
//!   pre-authorizes System Administrator); ECA Billing_Sync (client
//!   credentials, Bypass, AllSelfAuthorized, Standard User, Full, Infinite);
//!   weak Security, ConnectedApp and OauthOidc settings.
//! - `negative-*`: the same integration done right.

/// The two metadata formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Sfdx,
    Mdapi,
}

pub const FORMATS: [Format; 2] = [Format::Sfdx, Format::Mdapi];

impl Format {
    /// `ORG/positive-sfdx`, `ORG/negative-mdapi`, ...
    pub fn fixture(self, positive: bool) -> String {
        let kind = if positive { "positive" } else { "negative" };
        match self {
            Format::Sfdx => format!("ORG/{kind}-sfdx"),
            Format::Mdapi => format!("ORG/{kind}-mdapi"),
        }
    }

    /// The path of a metadata file relative to the fixture root, from
    /// `folder/Name.suffix`: `salesforce/force-app/main/default/folder/Name.suffix-meta.xml`
    /// or `salesforce/src/folder/Name.suffix`.
    pub fn md(self, folder_name: &str) -> String {
        match self {
            Format::Sfdx => format!("salesforce/force-app/main/default/{folder_name}-meta.xml"),
            Format::Mdapi => format!("salesforce/src/{folder_name}"),
        }
    }
}

/// Asserts the rule finds exactly `expected` in the fixture of `format`; the
/// paths of `expected` are `(path, line)` with metadata paths given as
/// `md:folder/Name.suffix`.
pub fn assert_places(id: &str, format: Format, positive: bool, expected: &[(&str, u32)]) {
    let want: Vec<(String, u32)> = expected
        .iter()
        .map(|(p, l)| match p.strip_prefix("md:") {
            Some(rest) => (format.md(rest), *l),
            None => (p.to_string(), *l),
        })
        .collect();
    let want: Vec<(&str, u32)> = want.iter().map(|(p, l)| (p.as_str(), *l)).collect();
    crate::common::assert_places(id, &format.fixture(positive), &want);
}
