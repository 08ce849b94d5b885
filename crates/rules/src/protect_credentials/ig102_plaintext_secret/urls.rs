//! IG102 for passwords written in a URL's user info, and credentials written
//! in a URL's query.

use super::*;

/// Passwords in the user info of `app`'s URLs, in the XML or in a property
/// value.
pub(super) fn url_findings<'a>(
    app: &'a MuleApp,
    how: &str,
    seen: &mut Seen<'a>,
    out: &mut Vec<Finding>,
) {
    // (c) a password in a URL's user info (`https://svc:Pw@host`),
    // in the XML or in a property file.
    let url_fix = crate::support::in_runtime_syntax(app, format!(
        "Take `user:password@` out of the URL and give the credential to the connector instead, read from an encrypted secure property (an HTTP request: <http:authentication><http:basic-authentication username=\"...\" password=\"${{secure::<name>.password}}\"/></http:authentication> on its config); {how}. Then change the password: the clear value stays in git history."
    ));
    for attr in &app.url_attributes {
        let Some(password) = vocab::url_password(&attr.value.raw) else {
            continue;
        };
        if seen.is_token_line(&attr.value.location) || !seen.flagged.insert(&attr.value.location) {
            continue;
        }
        let message = format!(
            "{}: {} carries a password in its URL's user info, written in clear in the XML ({})",
            app.name,
            attr_label(attr),
            describe(password)
        );
        out.push(
            finding(&attr.value.location, message)
                .key(format!(
                    "url-password|{}|{}|{}|{}",
                    attr.owner.as_deref().unwrap_or_default(),
                    attr.element,
                    attr.name,
                    secret_digest(password)
                ))
                .fix(url_fix.clone()),
        );
    }
    // (d) a credential in a URL's query (`...?grant_type=password&password=Pw`),
    // in the XML: sent in clear to every proxy and server log on the way.
    let query_fix = crate::support::in_runtime_syntax(app, format!(
        "Take the credential out of the URL: a query string is written to the logs of every proxy and server it passes. Send it in the request body instead, read from an encrypted secure property (<http:body>#[output application/x-www-form-urlencoded --- {{ ..., <name>: p('secure::<property>') }}]</http:body>, or a header for an API key); {how}. Then change the secret: the clear value stays in git history."
    ));
    // A JDBC URL (a database connector's `url`): the connection takes the
    // credential in attributes of its own, not in a request body.
    let jdbc_fix = match app.runtime {
        MuleRuntime::Mule4 => format!(
            "Take the credential out of the JDBC URL and give it to the connection's own attributes: <db:generic-connection url=\"jdbc:...\" user=\"${{db.user}}\" password=\"${{secure::db.password}}\"/> (or the user and password attributes of its vendor connection, such as <db:my-sql-connection>), the password read from an encrypted secure property; {how}. Then change the password: the clear value stays in git history."
        ),
        // Mule 3's generic config takes the credential in its URL only.
        MuleRuntime::Mule3 => format!(
            "Take the credential out of the XML: read the whole URL from an encrypted property (url=\"${{db.url}}\", with `db.url=![<encrypted URL>]` in a file its <secure-property-placeholder:config> loads), or use a vendor config with user and password attributes (<db:mysql-config ... user=\"${{db.user}}\" password=\"${{db.password}}\"/>); {how}. Then change the password: the clear value stays in git history."
        ),
    };
    let is_jdbc = |url: &str| {
        url.trim_start()
            .get(..5)
            .is_some_and(|s| s.eq_ignore_ascii_case("jdbc:"))
    };
    for attr in &app.url_attributes {
        let clear = clear_query_credentials(&attr.value.raw);
        let Some(first) = clear.first() else {
            continue;
        };
        if seen.is_token_line(&attr.value.location) || !seen.flagged.insert(&attr.value.location) {
            continue;
        }
        let message = format!(
            "{}: {} sends {} in its URL's query, written in clear in the XML ({})",
            app.name,
            attr_label(attr),
            names(&clear),
            describe(first.1)
        );
        out.push(
            finding(&attr.value.location, message)
                .key(format!(
                    "url-query-credential|{}|{}|{}|{}",
                    attr.owner.as_deref().unwrap_or_default(),
                    attr.element,
                    attr.name,
                    secret_digest(first.1)
                ))
                .fix(if is_jdbc(&attr.value.raw) {
                    jdbc_fix.clone()
                } else {
                    query_fix.clone()
                }),
        );
    }
    for file in &app.property_files {
        for entry in &file.entries {
            let Some(password) = vocab::url_password(entry.value()) else {
                continue;
            };
            if seen.is_token_line(&entry.location) || !seen.flagged.insert(&entry.location) {
                continue;
            }
            let env = file.environment.as_deref();
            let message = format!(
                "{}: property `{}` in {}{} is a URL with a password in its user info, in clear ({})",
                app.name,
                entry.key(),
                file_name(&file.path),
                env.map(|e| format!(" ({e})")).unwrap_or_default(),
                describe(password)
            );
            out.push(
                finding(&entry.location, message)
                    .environments(env.map(str::to_string))
                    .key_with_value(
                        format!("url-password-property|{}", entry.key()),
                        &secret_digest(password),
                    )
                    .fix(url_fix.clone()),
            );
        }
        for entry in &file.entries {
            let clear = clear_query_credentials(entry.value());
            let Some(first) = clear.first() else {
                continue;
            };
            if seen.is_token_line(&entry.location) || !seen.flagged.insert(&entry.location) {
                continue;
            }
            let env = file.environment.as_deref();
            let message = format!(
                "{}: property `{}` in {}{} is a URL that sends {} in its query, in clear ({})",
                app.name,
                entry.key(),
                file_name(&file.path),
                env.map(|e| format!(" ({e})")).unwrap_or_default(),
                names(&clear),
                describe(first.1)
            );
            out.push(
                finding(&entry.location, message)
                    .environments(env.map(str::to_string))
                    .key_with_value(
                        format!("url-query-credential-property|{}", entry.key()),
                        &secret_digest(first.1),
                    )
                    .fix(if is_jdbc(entry.value()) {
                        jdbc_fix.clone()
                    } else {
                        query_fix.clone()
                    }),
            );
        }
    }
}

/// The credentials of a URL's query written in clear (not a template dummy).
fn clear_query_credentials(url: &str) -> Vec<(&str, &str)> {
    let mut found = vocab::url_query_credentials(url);
    found.retain(|(_, value)| is_clear_secret(value));
    found
}

/// `` `password` ``, `` `client_secret` and `password` ``.
fn names(credentials: &[(&str, &str)]) -> String {
    let names: Vec<String> = credentials.iter().map(|(n, _)| format!("`{n}`")).collect();
    crate::support::and_list(&names)
}
