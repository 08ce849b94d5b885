//! IG102 in scripts, launch files, poms and CI files: secrets set in
//! clear, with a fix in each format's own way of supplying them.

use super::ci_services;
use super::*;
use crate::support::{salesforce_credential_fix, OauthAppFile};

/// The clear secrets set in the text files of `inventory`.
pub(super) fn text_file_findings<'a>(
    inventory: &'a Inventory,
    seen: &mut Seen<'a>,
    out: &mut Vec<Finding>,
) {
    // Scripts, launch files, poms, CI files.
    for file in &inventory.text_files {
        let app = app_for_path(inventory, &file.path);
        for a in &file.assignments {
            let basic = a.form == DefinitionForm::BasicAuthOption;
            let named = is_secret_name(&a.name) && !is_key_name(&a.name);
            let read_as = match app {
                Some(app) if !basic && !named => read_as_a_secret(app, a),
                _ => None,
            };
            if !basic && !named && read_as.is_none() {
                continue;
            }
            // An SFDX auth URL's secret shares its line with the URL's
            // refresh token (IG106's): it is a secret of its own.
            let auth_url = a.form == DefinitionForm::SfdxAuthUrl;
            if !is_clear_secret(&a.value)
                || (!auth_url && seen.is_token_line(&a.location))
                || !seen.flagged.insert(&a.location)
            {
                continue;
            }
            let owner = app.map(|app| format!("{}: ", app.name)).unwrap_or_default();
            let read_as = if auth_url {
                " (the connected app's client secret in an SFDX auth URL)".to_string()
            } else {
                read_as
                    .map(|attr| format!(" (read as {})", attr_label(attr)))
                    .unwrap_or_default()
            };
            let message = format!(
                "{owner}secret `{}`{read_as} is set in clear in {} ({})",
                a.name,
                file_name(&file.path),
                describe(&a.value)
            );
            // A connected app's or external client app's own metadata: the
            // secret is Salesforce's to replace, and the file deploys
            // without it.
            let fix = match OauthAppFile::of(&file.path) {
                _ if auth_url => assignment_fix(a, file_name(&file.path)),
                // A field of the object or form a DataWeave script builds.
                _ if a.form == DefinitionForm::Line && file.path.ends_with(".dwl") => {
                    dataweave_field_fix(a, file_name(&file.path))
                }
                Some(m) => m.secret_fix(&file.path),
                None => salesforce_credential_fix(&file.path, &a.name)
                    .unwrap_or_else(|| assignment_fix(a, file_name(&file.path))),
            };
            out.push(
                finding(&a.location, message)
                    .key_with_value(format!("assignment|{}", a.name), &secret_digest(&a.value))
                    .fix(fix),
            );
        }
    }
}

/// A credential field a DataWeave script writes as a string (`client_secret:
/// "..."`, `"...&password=..."`): read from a secure property instead.
fn dataweave_field_fix(a: &Assignment, file: &str) -> String {
    format!(
        "Read it from a secure property instead ({name}: p('secure::{property}') in an object, \"...&{name}=\" ++ p('secure::{property}') in a form-encoded string), with `{property}` encrypted in the app's secure properties file or supplied at deploy time as a protected Runtime Manager property, and purge the literal from {file}'s git history. Then change the secret.",
        name = a.name,
        property = dataweave_property(&a.name)
    )
}

/// The secret attribute of `app` that reads the property a `-D` option sets
/// (`password="${sf.login}"` for `-Dsf.login=...`): the option sets that
/// secret, whatever its name says. A property read as a secure-properties
/// key is IG103's.
fn read_as_a_secret<'a>(app: &'a MuleApp, a: &Assignment) -> Option<&'a XmlAttribute> {
    if a.form != DefinitionForm::JavaOption || is_key_name(&a.name) {
        return None;
    }
    // Placeholder names come without their `secure::` prefix.
    app.secret_attributes
        .iter()
        .find(|attr| attr.value.placeholders().iter().any(|p| *p.name == *a.name))
}

/// Where a secret set in a script, launch file or CI file should come from,
/// for the way it is written.
pub(super) fn assignment_fix(a: &Assignment, file: &str) -> String {
    match a.form {
        DefinitionForm::PomPluginSetting => {
            let setting = a.name.rsplit('/').next().unwrap_or(&a.name);
            format!(
                "Replace the value in {file} with a property the build is given from the pipeline's secret store (<{setting}>${{deploy.{setting}}}</{setting}> with mvn deploy -Ddeploy.{setting}=... from a masked CI secret), and purge it from git history. Then change the secret."
            )
        }
        DefinitionForm::JsonKeyValue => format!(
            "Empty the value of `{}` in {file} and purge it from git history: an exported Postman environment or collection carries every value it holds. Keep credentials out of committed exports (Postman Vault, or a value each person sets locally and does not export), then change the secret.",
            a.name
        ),
        DefinitionForm::MavenServer => maven_server_fix(a, file),
        DefinitionForm::SfdxAuthUrl => format!(
            "Keep the whole SFDX auth URL in the pipeline's secret store (a masked CI secret written to a file at run time for sf org login sfdx-url --sfdx-url-file), not in {file}, and purge it from git history. Then revoke its refresh token and regenerate the connected app's consumer secret: both stay in git history. Better, log in with the JWT bearer flow (sf org login jwt), which needs neither."
        ),
        DefinitionForm::DataWeaveVariable => format!(
            "Read it from a secure property instead (var {name} = p('secure::{property}'), with `{property}` encrypted in the app's secure properties file, or supplied at deploy time as a protected Runtime Manager property), and purge the literal from {file}'s git history. Then change the secret.",
            name = a.name,
            property = dataweave_property(&a.name)
        ),
        DefinitionForm::SetVariableScript => format!(
            "Read it from a secure property instead: make the script of <ee:set-variable variableName=\"{name}\"> p('secure::{property}'), with `{property}` encrypted in the app's secure properties file or supplied at deploy time as a protected Runtime Manager property; and purge the literal from {file}'s git history. Then change the secret.",
            name = a.name,
            property = dataweave_property(&a.name)
        ),
        DefinitionForm::CommandOption => format!(
            "Pass it from the pipeline's secret store instead ({} \"${}\", from a masked CI secret), and purge the value from {file}'s git history. Then change the secret.",
            a.name,
            environment_variable(&a.name)
        ),
        DefinitionForm::BasicAuthOption => {
            let option = a.name.split(' ').next().unwrap_or("-u");
            format!(
                "Pass the credentials from the pipeline's secret store instead ({option} \"$API_USER:$API_PASSWORD\" from masked CI secrets, or a .netrc file the pipeline writes), and purge the value from {file}'s git history. Then change the password."
            )
        }
        DefinitionForm::FormField | DefinitionForm::PasswordGrantField => {
            let field = format!(
                "Send the field from the pipeline's secret store instead (--data-urlencode \"{}=${}\", from a masked CI secret), and purge the value from {file}'s git history. Then change the secret.",
                a.name,
                environment_variable(&a.name)
            );
            if a.form == DefinitionForm::PasswordGrantField {
                format!(
                    "{field} This logs in with the OAuth username-password flow: use the JWT bearer flow instead (sf org login jwt --username <user> --jwt-key-file \"$KEY_FILE\" --client-id <consumer key>, or grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer with a signed assertion), with no password to keep."
                )
            } else {
                field
            }
        }
        form => match crate::support::container_value_removal(form, &a.name, file) {
            Some(how) => format!("{how}. Then change the secret."),
            None => ci_services::pipeline_fix(a, file).unwrap_or_else(|| {
                format!(
                    "Remove the value from {file} and purge it from git history; inject `{}` at deploy time from the pipeline's secret store (a masked CI secret, or a Runtime Manager protected property listed in mule-artifact.json secureProperties). Then change the secret.",
                    a.name
                )
            }),
        },
    }
}

/// The property a DataWeave variable's secret moves to: its name, split at
/// case changes and joined with dots (`clientSecret` -> `client.secret`).
pub(super) fn dataweave_property(var: &str) -> String {
    let mut out = String::new();
    for (i, c) in var.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('.');
        }
        out.push(if c == '_' {
            '.'
        } else {
            c.to_ascii_lowercase()
        });
    }
    out
}

/// A Maven `settings.xml` server credential (`exchange/password`: the
/// server's id, then the element) read from an environment variable.
pub(super) fn maven_server_fix(a: &Assignment, file: &str) -> String {
    let element = a.name.rsplit('/').next().unwrap_or(&a.name);
    // Anypoint Exchange's connected-app login: `clientId~?~clientSecret`
    // under the username `~~~Client~~~` (MuleSoft's Exchange Maven docs).
    if a.value.contains("~?~") {
        return format!(
            "Replace the value in {file} with environment variables Maven reads there (<{element}>${{env.ANYPOINT_CLIENT_ID}}~?~${{env.ANYPOINT_CLIENT_SECRET}}</{element}>) set from masked CI secrets, and purge it from git history. Then regenerate the connected app's client secret in Access Management: the committed one stays in git history."
        );
    }
    let var = environment_variable(&a.name);
    format!(
        "Replace the value in {file} with an environment variable Maven reads there (<{element}>${{env.{var}}}</{element}>) set from a masked CI secret, and purge it from git history. Then change the secret: the committed one stays in git history."
    )
}
