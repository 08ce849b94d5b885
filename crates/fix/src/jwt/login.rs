//! The login settings of a switched connection: the property a value reads, and the
//! token endpoint and audience a Salesforce login URL gives.

use intguard_model::expr::placeholders;

/// A value that is one property reference and nothing else: `${name}`, or a DataWeave
/// expression reading one property (`#[p('name')]`, `#[Mule::p("name")]`); the name,
/// and whether it is read as `secure::`. `raw` is as written in the XML.
pub(super) fn single_reference(raw: &str) -> Option<(String, bool)> {
    let value = decode_quotes(raw.trim());
    let refs = placeholders(&value);
    let [p] = refs.as_slice() else {
        return None;
    };
    let whole = &value[p.start..p.end];
    let alone = value == whole
        || value
            .strip_prefix("#[")
            .and_then(|r| r.strip_suffix(']'))
            .is_some_and(|inner| inner.trim() == whole);
    (alone && !p.name.is_empty() && !p.is_nested()).then(|| (p.name.clone(), p.secure))
}

/// `text` with the quote entities of an XML attribute decoded, so that
/// [`placeholders`] finds `p(&quot;name&quot;)` as `p("name")`.
pub(super) fn decode_quotes(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains("&quot;") || text.contains("&apos;") {
        text.replace("&quot;", "\"").replace("&apos;", "'").into()
    } else {
        text.into()
    }
}

/// The origin (`https://host[:port]`) and lower-case host of a Salesforce URL.
fn salesforce_origin(url: &str) -> Option<(String, String)> {
    let url = url.trim();
    let rest = url.strip_prefix("https://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let host = authority
        .split(':')
        .next()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let salesforce = host == "salesforce.com"
        || host.ends_with(".salesforce.com")
        || host.ends_with(".force.com");
    salesforce.then(|| (format!("https://{authority}"), host))
}

/// The token endpoint and audience for a login URL: `None` for a URL that is not
/// Salesforce's; the production login host gives `(None, None)`: the defaults.
#[allow(clippy::type_complexity)]
pub(super) fn login_settings(url: &str) -> Option<(Option<String>, Option<String>)> {
    let (origin, host) = salesforce_origin(url)?;
    if host == "login.salesforce.com" {
        return Some((None, None));
    }
    let audience = salesforce_auth::default_audience(&origin).to_string();
    Some((
        Some(format!("{origin}/services/oauth2/token")),
        Some(audience),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_urls() {
        assert_eq!(
            login_settings("https://login.salesforce.com/services/Soap/u/58.0"),
            Some((None, None))
        );
        assert_eq!(
            login_settings("https://test.salesforce.com/services/Soap/u/58.0"),
            Some((
                Some("https://test.salesforce.com/services/oauth2/token".into()),
                Some("https://test.salesforce.com".into())
            ))
        );
        assert_eq!(
            login_settings("https://acme--uat.sandbox.my.salesforce.com"),
            Some((
                Some("https://acme--uat.sandbox.my.salesforce.com/services/oauth2/token".into()),
                Some("https://test.salesforce.com".into())
            ))
        );
        assert_eq!(
            login_settings("https://acme.my.salesforce.com/services/Soap/u/60.0"),
            Some((
                Some("https://acme.my.salesforce.com/services/oauth2/token".into()),
                Some("https://login.salesforce.com".into())
            ))
        );
        assert_eq!(login_settings("http://test.salesforce.com"), None);
        assert_eq!(login_settings("https://sso.example.com/login"), None);
        assert_eq!(login_settings("https://u:p@test.salesforce.com"), None);
    }

    #[test]
    fn single_references() {
        let r = |s: &str| single_reference(s);
        assert_eq!(r("${sf.user}"), Some(("sf.user".into(), false)));
        assert_eq!(r("${secure::sf.user}"), Some(("sf.user".into(), true)));
        assert_eq!(r("#[p('sf.user')]"), Some(("sf.user".into(), false)));
        assert_eq!(
            r("#[Mule::p(\"sf.user\")]"),
            Some(("sf.user".into(), false))
        );
        assert_eq!(
            r("#[p(&quot;sf.user&quot;)]"),
            Some(("sf.user".into(), false))
        );
        assert_eq!(r("#[p('secure::sf.user')]"), Some(("sf.user".into(), true)));
        for not in [
            "#[p('a') ++ 'b']",
            "#[p(vars.x)]",
            "#[p('')]",
            "a${sf.user}",
            "u@acme.com",
        ] {
            assert_eq!(r(not), None, "{not}");
        }
    }
}
