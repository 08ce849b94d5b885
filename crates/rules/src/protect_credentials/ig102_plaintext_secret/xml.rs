//! IG102 in a Mule app's XML: literal secrets in attributes (Spring bean
//! properties too), and the credentials its HTTP requests send in clear.

use super::http::{http_credential_finding, http_credentials, is_clear_credential};
use super::*;

/// The literal secrets of `app`'s XML attributes and the credentials its
/// requests send, with the property names `fix secrets` would give them.
pub(super) fn xml_findings<'a>(
    inventory: &Inventory,
    app: &'a MuleApp,
    how: &str,
    seen: &mut Seen<'a>,
    out: &mut Vec<Finding>,
) {
    // (a) literal secrets in the XML.
    let mut literals: Vec<(&XmlAttribute, bool)> = Vec::new();
    for attr in &app.secret_attributes {
        // A template dummy is no secret, but on a store holding a
        // private key a well-known default is the key's only guard.
        let default_key_store_password =
            holds_private_key(attr) && vocab::is_well_known_password(&attr.value.raw);
        if !attr.value.is_literal()
            || (vocab::is_placeholder_value(&attr.value.raw) && !default_key_store_password)
        {
            continue;
        }
        if !(is_clear_secret(&attr.value.raw) || default_key_store_password)
            || seen.is_token_line(&attr.value.location)
            || !seen.flagged.insert(&attr.value.location)
        {
            continue;
        }
        literals.push((attr, default_key_store_password));
    }
    // (a'') a reference's default in a secret's place
    // (`password="${sf.password:Pw-123}"`): the password wherever nothing
    // defines the property, written in clear.
    for attr in &app.secret_attributes {
        if attr.value.is_literal() {
            continue;
        }
        let raw = &attr.value.raw;
        let Some((reference, default)) = placeholders(raw).into_iter().find_map(|p| {
            let written = raw.get(p.start..p.end)?;
            let default = intguard_model::expr::placeholder_default(written)?;
            (!default.contains("${") && is_clear_secret(default)).then_some((p, default))
        }) else {
            continue;
        };
        if seen.is_token_line(&attr.value.location) || !seen.flagged.insert(&attr.value.location) {
            continue;
        }
        let bare = format!(
            "${{{}{}}}",
            if reference.secure { "secure::" } else { "" },
            reference.name
        );
        out.push(
            finding(
                &attr.value.location,
                format!(
                    "{}: {} falls back to a secret written in clear in the XML ({}), the default of its reference: wherever nothing defines `{}`, that value is used",
                    app.name,
                    attr_label(attr),
                    describe(default),
                    reference.name
                ),
            )
            .key(format!(
                "default-secret|{}|{}|{}|{}",
                attr.owner.as_deref().unwrap_or_default(),
                attr.element,
                attr.name,
                secret_digest(default)
            ))
            .fix(format!(
                "Remove the default: {}=\"{bare}\", so that an environment that does not define `{}` fails at start instead of logging in with a value everyone with the repository reads; define it where it is needed in the app's secure properties file ({}). Then change the secret: the clear value stays in git history.",
                attr.written_name(),
                reference.name,
                app.secure_file_hint()
            )),
        );
    }
    // (a') credentials HTTP requests send, written in clear.
    let mut sent = Vec::new();
    for (credential, sender) in http_credentials(app) {
        if seen.is_token_line(&credential.value.location)
            || seen.flagged.contains(&credential.value.location)
            || !is_clear_credential(credential)
        {
            continue;
        }
        seen.flagged.insert(&credential.value.location);
        sent.push((credential, sender));
    }
    // The properties `fix secrets` would write, so that doing by hand
    // what two findings say never puts two secrets under one name.
    let secrets: Vec<XmlSecret> = literals
        .iter()
        .map(|(attr, _)| XmlSecret::Attribute(attr))
        .chain(sent.iter().map(|(credential, sender)| XmlSecret::Http {
            credential,
            property: sender.property(credential),
        }))
        .collect();
    let names = new_property_names(app, &secrets);
    let (attribute_names, http_names) = names.split_at(literals.len());

    for ((attr, default_key_store_password), prop) in literals.iter().zip(attribute_names) {
        let conn = owning_connection(app, attr);
        let who = conn.and_then(|c| describe_identities(&identities_in(inventory, app, c, None)));
        let message = format!(
            "{}: {} is written in clear in the XML ({}{}){}",
            app.name,
            attr_label(attr),
            describe(&attr.value.raw),
            if *default_key_store_password {
                ", a well-known default password: the private key is as good as unprotected"
            } else {
                ""
            },
            who.as_deref()
                .map(|w| format!(", Salesforce user {w}"))
                .unwrap_or_default()
        );
        let fix = if attr.is_spring_bean_property() || app.in_spring_beans_file(attr) {
            spring_property_fix(app, attr, prop, how)
        } else if app.runtime == MuleRuntime::Mule3 {
            format!(
                "Replace {name}=\"…\" with {name}=\"${{{prop}}}\" and add `{prop}=![<encrypted value>]` to {loader}; {how}. Then change the secret: the clear value stays in git history.",
                name = attr.written_name(),
                loader = mule3_secure_file(app)
            )
        } else {
            format!(
                "Replace {name}=\"…\" with {name}=\"${{secure::{prop}}}\" and add `{}` to the app's secure properties file ({}); {how}. Then change the secret: the clear value stays in git history.",
                app.secure_line(prop),
                app.secure_file_hint(),
                name = attr.written_name()
            )
        };
        out.push(
            finding(&attr.value.location, message)
                .maybe_identity(who)
                // The value's digest: two literals of one name in a flow
                // (`<set-variable variableName="apiPassword">` twice) are
                // told apart by what they hold, not by their order, which a
                // new one inserted above would shift onto a baselined one.
                .key(format!(
                    "xml|{}|{}|{}|{}",
                    attr.owner.as_deref().unwrap_or_default(),
                    attr.element,
                    attr.name,
                    secret_digest(&attr.value.raw)
                ))
                .fix(fix),
        );
    }
    for ((credential, sender), prop) in sent.iter().zip(http_names) {
        out.push(http_credential_finding(app, credential, sender, how, prop));
    }
}

/// The fix of a Spring bean property's literal secret
/// (`<property name="password" value="..."/>`, its `<value>` text, or a
/// `constructor-arg`). A Mule 3 app's secure-property placeholder serves
/// every Spring bean. A Mule 4 Spring beans file reads `${...}` from the
/// app's configuration properties, which MuleSoft documents for `.properties`
/// files only (not YAML, and not `secure::`): the value comes at deploy time.
pub(super) fn spring_property_fix(
    app: &MuleApp,
    attr: &XmlAttribute,
    prop: &str,
    how: &str,
) -> String {
    let set = if attr.is_spring_bean_property() {
        format!(
            "Set the bean's `{}` to `${{{prop}}}` instead of the literal (value=\"${{{prop}}}\", or <value>${{{prop}}}</value>)",
            attr.name
        )
    } else {
        format!(
            "Replace {name}=\"…\" with {name}=\"${{{prop}}}\"",
            name = attr.written_name()
        )
    };
    match app.runtime {
        MuleRuntime::Mule3 => format!(
            "{set} and add `{prop}=![<encrypted value>]` to {loader}; {how}. Then change the secret: the clear value stays in git history.",
            loader = mule3_secure_file(app)
        ),
        MuleRuntime::Mule4 => format!(
            "{set}, and supply `{prop}` at deploy time only, as a protected Runtime Manager property listed in mule-artifact.json \"secureProperties\": a Spring beans file reads placeholders from the app's configuration properties (a `.properties` file, not YAML), so a value kept in the repository would be in clear again. Then change the secret: the clear value stays in git history."
        ),
    }
}

/// A password attribute of a store that holds a private key: a TLS key
/// store, or the keystore of a Salesforce JWT connection.
pub(super) fn holds_private_key(attr: &XmlAttribute) -> bool {
    attr.element == "tls:key-store"
        || (attr.element.ends_with("jwt-connection")
            && matches!(attr.name.as_str(), "storePassword" | "keyStorePassword"))
}
