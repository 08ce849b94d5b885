//! The login settings of a switched connection: the property a value reads, and the
//! token endpoint and audience a Salesforce login URL gives.

use intguard_model::expr::placeholders;

/// A `${name}` value (the whole value one reference): the name, and whether it is read
/// as `secure::`.
pub(super) fn single_reference(raw: &str) -> Option<(String, bool)> {
    let raw = raw.trim();
    // A DataWeave expression reading one property: `#[p('name')]`,
    // `#[Mule::p("name")]` (`&quot;` as written in a double-quoted attribute).
    if let Some(inner) = raw.strip_prefix("#[").and_then(|r| r.strip_suffix(']')) {
        let inner = inner.trim();
        let call = inner
            .strip_prefix("Mule::p(")
            .or_else(|| inner.strip_prefix("p("))?
            .strip_suffix(')')?
            .trim();
        let name = ["'", "\"", "&quot;", "&apos;"]
            .iter()
            .find_map(|q| call.strip_prefix(q)?.strip_suffix(q))?;
        if name.is_empty() || name.contains(['\'', '"', '&', '$', '{', '}', '(', ')']) {
            return None;
        }
        return Some(match name.strip_prefix("secure::") {
            Some(n) => (n.to_string(), true),
            None => (name.to_string(), false),
        });
    }
    let refs = placeholders(raw);
    match refs.as_slice() {
        [p] if p.start == 0 && p.end == raw.len() && !p.is_nested() => {
            Some((p.name.clone(), p.secure))
        }
        _ => None,
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
