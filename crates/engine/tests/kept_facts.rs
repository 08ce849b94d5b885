//! A compact app's connections are worked out as it is read (who each logs
//! in as, its consumer key, what IG206 and IG104 ask of it, the key stores
//! its configurations load for IG105 and IG112, its `![...]` values with
//! the ciphers IG104 tries on them: the app's `scan_facts`), after which
//! `scan` keeps none of the properties, attributes, TLS contexts and key
//! loaders they came from, and moves the `![...]` records out to its
//! encrypted temporary file until IG104 reads them back one app at a time
//! (the whole Inventory keeps them in memory); apps deployed in a domain,
//! Mule plugins and the apps importing their files are kept whole and
//! resolved at the end.
//! Both must report what the whole Inventory does (`run_rules` on
//! `read_inventory`), and so must the whole Inventory with those facts
//! cleared (each app's then worked out from the app when the rules run);
//! what the rules report must still name the users.

use std::path::Path;

mod common;

use common::{options, shown, whole_without_facts, workspace, write};
use intguard_engine::{read_inventory, run_rules, scan};
use intguard_model::Finding;

/// `scan`'s findings, once checked equal to the whole Inventory's.
fn scanned_as_whole(root: &Path) -> Vec<Finding> {
    let streamed = scan(&options(vec![root.to_path_buf()]));
    let whole = {
        let options = options(vec![root.to_path_buf()]);
        run_rules(read_inventory(&options), &options)
    };
    assert_eq!(shown(&streamed), shown(&whole));
    let without_facts = whole_without_facts(&options(vec![root.to_path_buf()]));
    assert_eq!(shown(&whole), shown(&without_facts));
    streamed.findings.into_vec()
}

const MULE_NS: &str = r#"xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce"
      xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties""#;

/// Writes a Mule 4 app `name` under `root`: its `mule-artifact.json` and a
/// `src/main/mule/global.xml` holding `elements` inside `<mule>`.
fn mule4_app(root: &Path, name: &str, elements: &str) {
    write(
        root,
        &format!("{name}/mule-artifact.json"),
        "{\"minMuleVersion\":\"4.6.0\"}\n",
    );
    write(
        root,
        &format!("{name}/src/main/mule/global.xml"),
        &format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mule {MULE_NS}>\n{elements}</mule>\n"
        ),
    );
}

/// Two compact apps logging in as one user (IG303), one of them with a
/// committed key opening its connection's keystore password (IG104) and a
/// JWT connection without a client certificate (IG206), the user's profile
/// assigned by a user definition.
fn two_apps_one_user(root: &Path) {
    mule4_app(
        root,
        "payments-api",
        r#"  <configuration-properties file="properties/common.properties"/>
  <secure-properties:config name="Secure_Props" file="properties/secure-prod.properties" key="1234567890123456">
    <secure-properties:encrypt algorithm="AES" mode="CBC"/>
  </secure-properties:config>
  <salesforce:sfdc-config name="Payments_SF">
    <salesforce:jwt-connection consumerKey="${sf.consumerKey}" keyStore="keys/sf.p12"
        storePassword="${secure::sf.jwt.pw}" certificateAlias="${sf.alias}" principal="${sf.username}"
        tokenEndpoint="${sf.tokenEndpoint}"/>
  </salesforce:sfdc-config>
"#,
    );
    write(
        root,
        "payments-api/src/main/resources/properties/common.properties",
        "sf.username=int.shared@acme.example\nsf.consumerKey=3MVG9payments\nsf.alias=payments\nsf.tokenEndpoint=https://login.salesforce.com/services/oauth2/token\n",
    );
    // Encrypted with the committed key (AES/CBC): the IG104 fixture's value.
    write(
        root,
        "payments-api/src/main/resources/properties/secure-prod.properties",
        "sf.jwt.pw=![w9oKTqKTtvBuRUVbhQP/qw==]\n",
    );
    mule4_app(
        root,
        "billing-sapi",
        r#"  <configuration-properties file="properties/billing.yaml"/>
  <salesforce:sfdc-config name="Billing_SF">
    <salesforce:jwt-connection consumerKey="${sfdc.consumerKey}" keyStore="keys/billing.p12"
        storePassword="${secure::sfdc.keystore.password}" principal="${sfdc.username}"/>
  </salesforce:sfdc-config>
"#,
    );
    write(
        root,
        "billing-sapi/src/main/resources/properties/billing.yaml",
        "sfdc:\n  username: \"int.shared@acme.example\"\n  consumerKey: \"3MVG9billing\"\n",
    );
    write(
        root,
        "salesforce/sfdx-project.json",
        r#"{"packageDirectories":[{"path":"force-app","default":true}]}"#,
    );
    write(
        root,
        "salesforce/config/int-shared-user-def.json",
        r#"{
  "Username": "int.shared@acme.example",
  "LastName": "Shared Integration",
  "Email": "it-integrations@acme.example",
  "profileName": "Shared Integration"
}
"#,
    );
    write(
        root,
        "salesforce/force-app/main/default/profiles/Shared%20Integration.profile-meta.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Profile xmlns="http://soap.sforce.com/2006/04/metadata">
    <custom>true</custom>
    <userLicense>Salesforce Integration</userLicense>
    <userPermissions>
        <enabled>true</enabled>
        <name>ApiEnabled</name>
    </userPermissions>
    <userPermissions>
        <enabled>true</enabled>
        <name>ApiUserOnly</name>
    </userPermissions>
</Profile>
"#,
    );
}

#[test]
fn compact_apps_sharing_a_user_report_as_the_whole_inventory() {
    let tmp = tempfile::tempdir().unwrap();
    two_apps_one_user(tmp.path());
    let findings = scanned_as_whole(tmp.path());
    let of = |rule: &str| -> Vec<&Finding> { findings.iter().filter(|f| f.rule == rule).collect() };
    // IG303: the user each app's connection logs in as, joined across apps.
    let shared = of("IG303");
    assert_eq!(shared.len(), 1, "{findings:#?}");
    assert!(
        shared[0].message.contains("int.shared@acme.example")
            && shared[0].message.contains("payments-api")
            && shared[0].message.contains("billing-sapi"),
        "{}",
        shared[0].message
    );
    // IG206: the user, and its profile's places from the identity graph
    // (added at the end, after the identity_related place, as before).
    let mtls: Vec<&Finding> = of("IG206")
        .into_iter()
        .filter(|f| f.message.starts_with("payments-api"))
        .collect();
    assert_eq!(mtls.len(), 1, "{findings:#?}");
    assert!(
        mtls[0]
            .message
            .contains("integration user (int.shared@acme.example)"),
        "{}",
        mtls[0].message
    );
    let related: Vec<&str> = mtls[0].related.iter().map(|r| r.message.as_str()).collect();
    let profile = related
        .iter()
        .position(|m| m.contains("is assigned profile Shared Integration"))
        .unwrap_or_else(|| panic!("{related:#?}"));
    assert!(
        related[profile + 1..].contains(&"profile Shared Integration"),
        "{related:#?}"
    );
    assert!(mtls[0].pending_profile_places.is_none());
    // IG104: the keystore password's reader (a keystore to reissue) and
    // who the connection logs in as.
    let decrypted: Vec<&Finding> = of("IG104")
        .into_iter()
        .filter(|f| f.message.contains("`sf.jwt.pw`"))
        .collect();
    assert_eq!(decrypted.len(), 1, "{findings:#?}");
    assert_eq!(
        decrypted[0].identity.as_deref(),
        Some("int.shared@acme.example")
    );
    assert!(
        decrypted[0].fix.contains("issue a new keystore"),
        "{}",
        decrypted[0].fix
    );
}

/// Apps deployed in a Mule 4 domain read their username from the domain's
/// properties (read after them): kept whole, they resolve it through the
/// domain at the end, in `scan` as in the whole Inventory.
#[test]
fn apps_of_a_domain_resolve_through_it() {
    let fixture = workspace().join("crates/rules/tests/fixtures/IG303/domain-properties");
    let findings = scanned_as_whole(&fixture);
    let shared: Vec<&Finding> = findings.iter().filter(|f| f.rule == "IG303").collect();
    assert!(
        shared
            .iter()
            .any(|f| f.message.contains("int.shared@acme.com")
                && f.message.contains("billing-sapi")
                && f.message.contains("orders-sapi")),
        "{findings:#?}"
    );
    let mtls: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "IG206" && f.message.starts_with("billing-sapi"))
        .collect();
    assert!(
        mtls.iter()
            .any(|f| f.message.contains("int.shared@acme.com")),
        "{findings:#?}"
    );
}

/// A Mule plugin's connection runs as the user each importing app's own
/// properties name: resolved with the app at the end.
#[test]
fn a_plugin_connection_resolves_in_the_importing_app() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "plugins/common-lib/pom.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>common-lib</artifactId>
  <version>1.0.0</version>
  <packaging>mule-plugin</packaging>
</project>
"#,
    );
    write(
        root,
        "plugins/common-lib/src/main/mule/sf/sf-global.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<mule {MULE_NS}>
  <salesforce:sfdc-config name="Common_SF">
    <salesforce:jwt-connection consumerKey="${{sfdc.consumerKey}}" keyStore="keys/jwt.p12"
        storePassword="${{secure::sfdc.keystore.password}}" principal="${{sfdc.username}}"/>
  </salesforce:sfdc-config>
</mule>
"#
        ),
    );
    write(
        root,
        "orders-sapi/pom.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>orders-sapi</artifactId>
  <version>1.0.0</version>
  <packaging>mule-application</packaging>
  <dependencies>
    <dependency>
      <groupId>com.acme</groupId>
      <artifactId>common-lib</artifactId>
      <version>1.0.0</version>
      <classifier>mule-plugin</classifier>
    </dependency>
  </dependencies>
</project>
"#,
    );
    write(
        root,
        "orders-sapi/mule-artifact.json",
        "{\"minMuleVersion\":\"4.6.0\"}\n",
    );
    write(
        root,
        "orders-sapi/src/main/mule/global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core">
  <import file="sf/sf-global.xml"/>
  <configuration-properties file="properties/orders.yaml"/>
</mule>
"#,
    );
    write(
        root,
        "orders-sapi/src/main/resources/properties/orders.yaml",
        "sfdc:\n  username: \"int.orders@acme.example\"\n",
    );
    let findings = scanned_as_whole(root);
    let mtls: Vec<&Finding> = findings.iter().filter(|f| f.rule == "IG206").collect();
    assert!(
        mtls.iter().any(|f| f.message.contains("orders-sapi")
            && f.message.contains("of Mule plugin common-lib")
            && f.message.contains("int.orders@acme.example")),
        "{findings:#?}"
    );
}

/// IG206 runs app by app now, but its org side may be shown at an app's
/// connection and an app of a domain is judged with it: in a scan of some
/// files of an app (which reads that app alone) a comment naming it is not
/// judged, as before; one naming an app-alone rule is.
#[test]
fn a_partial_scan_does_not_judge_ig206_comments() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    mule4_app(
        root,
        "orders-sapi",
        r#"  <!-- intguard-ignore IG206: the org enforces mutual TLS for this user -->
  <salesforce:sfdc-config name="Orders_SF">
    <salesforce:jwt-connection consumerKey="${sfdc.consumerKey}" keyStore="keys/jwt.p12"
        storePassword="${secure::sfdc.keystore.password}" principal="int.orders@acme.example"
        tokenEndpoint="https://acme.my.salesforce.com:8443/services/oauth2/token">
      <tls:context xmlns:tls="http://www.mulesoft.org/schema/mule/tls">
        <tls:key-store type="pkcs12" path="keys/mtls.p12" password="${secure::sfdc.mtls.password}"/>
      </tls:context>
    </salesforce:jwt-connection>
  </salesforce:sfdc-config>
  <!-- intguard-ignore IG109: nothing here calls http -->
"#,
    );
    let file = root.join("orders-sapi/src/main/mule/global.xml");
    let outcome = scan(&options(vec![file]));
    let unused: Vec<Option<u32>> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.code == "suppression-unused")
        .map(|d| d.line)
        .collect();
    // The IG109 comment (line 15) hides nothing and is said so; the IG206
    // one is left alone.
    assert_eq!(unused, [Some(15)], "{:#?}", outcome.diagnostics);
    assert!(!outcome.findings.iter().any(|f| f.rule == "IG206"));
}

/// Two compact apps loading files kept outside every app (the fixture
/// `IG105/outside-every-app`): a PKCS#12 keystore that billing-sapi's
/// nested listener TLS context and orders-sapi's JWT connection and Crypto
/// JCE config load, opened with the password billing-sapi commits for prod,
/// and an SSH key billing-sapi's SFTP connection loads. Their store
/// references and the passwords the reading tries are worked out as each
/// app is read (the apps keep no TLS context, listener or key loader), and
/// must match the files found after them as the whole Inventory does.
#[test]
fn key_files_outside_every_app_match_compact_apps_stores() {
    let root = workspace().join("crates/rules/tests/fixtures/IG105/outside-every-app");
    let findings = scanned_as_whole(&root);
    let of = |rule: &str, file: &str| -> Vec<&Finding> {
        findings
            .iter()
            .filter(|f| f.rule == rule && f.location.path.ends_with(file))
            .collect()
    };
    // IG105: every loader of both apps, who the connection runs as per
    // environment, the passwords committed in clear.
    let keystore = of("IG105", "certs/shared-client.p12");
    assert_eq!(keystore.len(), 1, "{findings:#?}");
    let m = &keystore[0].message;
    for part in [
        "loaded by billing-sapi tls:key-store of HTTP listener `Billing_Listener` (global.xml:19)",
        "orders-sapi keyStore of Salesforce connection `Salesforce_Config` (salesforce:jwt-connection) as int.orders@acme.com.dev (dev), int.orders@acme.com (prod) (global.xml:14)",
        "orders-sapi keystore of Crypto config `Signing_Jce` (crypto:jce-config) (global.xml:17)",
        "its password is committed in clear too (password at prod.yaml:5 for prod, keyPassword at prod.yaml:5 for prod)",
    ] {
        assert!(m.contains(part), "{part}\n{m}");
    }
    assert_eq!(keystore[0].severity, intguard_model::Severity::Critical);
    assert_eq!(keystore[0].environments, ["prod"]);
    assert_eq!(keystore[0].related.len(), 5, "{:#?}", keystore[0].related);
    // The SSH key: the dev path and prod's absolute one name the same file.
    let ssh = of("IG105", "keys/partner-sftp.key");
    assert_eq!(ssh.len(), 1, "{findings:#?}");
    assert!(
        ssh[0]
            .message
            .contains("loaded by billing-sapi identityFile of SFTP connection `Partner_Sftp` (sftp:connection) (global.xml:25)"),
        "{}",
        ssh[0].message
    );
    // IG112: the keystore's certificate, read with billing-sapi's password
    // (a compact app's, kept as a fact), expired and weak, with the same
    // loaders (the JCE keystore among them).
    let certificate = of("IG112", "certs/shared-client.p12");
    assert_eq!(certificate.len(), 2, "{findings:#?}");
    for f in certificate {
        assert!(
            f.message.contains("opened with its committed password")
                && f.message.contains("loaded by billing-sapi tls:key-store of HTTP listener `Billing_Listener`, orders-sapi keyStore of Salesforce connection `Salesforce_Config` (salesforce:jwt-connection) as int.orders@acme.com.dev (dev), int.orders@acme.com (prod), orders-sapi keystore of Crypto config `Signing_Jce` (crypto:jce-config)"),
            "{}",
            f.message
        );
        assert_eq!(
            f.identity.as_deref(),
            Some("int.orders@acme.com.dev (dev), int.orders@acme.com (prod)")
        );
    }
}

/// A Mule 4 app listing `declared` (JSON strings) as its `secureProperties`,
/// with one AES secure-properties config whose key is `key` (as written).
fn app_with_a_secure_config(root: &Path, app: &str, declared: &str, key: &str) {
    write(
        root,
        &format!("{app}/mule-artifact.json"),
        &format!("{{\"minMuleVersion\":\"4.6.0\",\"secureProperties\":[{declared}]}}\n"),
    );
    write(
        root,
        &format!("{app}/src/main/mule/global.xml"),
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<mule {MULE_NS}>
  <secure-properties:config name="{app}-secure" key="{key}" file="properties/prod-secure.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
  </secure-properties:config>
</mule>
"#
        ),
    );
}

/// Two compact apps whose configs take their key from one assignment in a
/// file outside every app, the first naming another property first: IG103's
/// fix tests the first config's first key name against every user's
/// `secureProperties`, the other app's included (so a compact app's list
/// cannot be cut to the names its own configs use), and reports one key with
/// both users, as the whole Inventory does.
#[test]
fn two_apps_sharing_an_outside_key_report_as_the_whole_inventory() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "ci/deploy.sh",
        "#!/usr/bin/env bash\nmvn -B deploy -DmuleDeploy -Dencryption.key=Abcdef0123456789\n",
    );
    for (app, key, declared) in [
        ("alpha-api", "${key.salt}${encryption.key}", "\"key.salt\""),
        (
            "beta-api",
            "${encryption.key}",
            "\"key.salt\", \"sf.password\"",
        ),
    ] {
        app_with_a_secure_config(root, app, declared, key);
    }
    // An app with no secure-properties config: no key's user.
    write(
        root,
        "gamma-api/mule-artifact.json",
        "{\"minMuleVersion\":\"4.6.0\",\"secureProperties\":[\"key.salt\"]}\n",
    );
    write(
        root,
        "gamma-api/src/main/mule/global.xml",
        &format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mule {MULE_NS}>\n</mule>\n"),
    );
    let findings = scanned_as_whole(root);
    let key = the_key_at(&findings, "ci/deploy.sh");
    assert!(
        key.message.contains("`alpha-api-secure` of alpha-api")
            && key.message.contains("`beta-api-secure` of beta-api"),
        "{}",
        key.message
    );
    // Both apps list `key.salt`, alpha-api's first key name: nothing to add
    // to mule-artifact.json.
    let fix = &key.fix;
    assert!(
        fix.contains("-M-Dkey.salt=") && !fix.contains("list it in mule-artifact.json"),
        "{fix}"
    );
    assert!(!format!("{findings:?}").contains("Abcdef0123456789"));
}

/// Apps listing the same `secureProperties` share one list once read, and
/// an app's pom whose properties are all references keeps no text facts:
/// IG103's fix still asks each user's own list, as the whole Inventory does.
#[test]
fn apps_sharing_a_secure_property_list_report_as_the_whole_inventory() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "ci/deploy.sh",
        "#!/usr/bin/env bash\nmvn -B deploy -DmuleDeploy -Dencryption.key=Abcdef0123456789\n",
    );
    for (app, declared) in [
        ("alpha-api", "\"key.salt\", \"sf.password\""),
        ("beta-api", "\"sf.password\""),
        ("delta-api", "\"key.salt\", \"sf.password\""),
    ] {
        app_with_a_secure_config(root, app, declared, "${key.salt}${encryption.key}");
        write(
            root,
            &format!("{app}/pom.xml"),
            "<project>\n  <properties>\n    <mule.env>${mule.env}</mule.env>\n    <key.salt>${key.salt}</key.salt>\n  </properties>\n</project>\n",
        );
    }
    let findings = scanned_as_whole(root);
    let key = the_key_at(&findings, "");
    // beta-api does not list `key.salt`, the first key name: it is to be
    // listed, although the two other apps (sharing one list) do.
    assert!(
        key.fix.contains("list it in mule-artifact.json"),
        "{}",
        key.fix
    );
    assert!(!format!("{findings:?}").contains("Abcdef0123456789"));
}

/// `![...]` text of `plain` under `key` with Mule's default cipher
/// (AES/CBC, the IV from the key).
fn encrypted(key: &str, plain: &str) -> String {
    let text = mule_secure_props::Cipher::default()
        .encrypt(key.as_bytes(), plain.as_bytes())
        .unwrap();
    format!("![{text}]")
}

/// A Mule 4 app `name` whose secure-properties config reads
/// `properties/secure.properties` with the key `key` (an attribute's
/// value), the file holding `secure`, and `plain` in
/// `properties/app.properties`.
fn secured_app(root: &Path, name: &str, key: &str, secure: &str, plain: &str) {
    mule4_app(
        root,
        name,
        &format!(
            r#"  <configuration-properties file="properties/app.properties"/>
  <secure-properties:config name="{name}-secure" key="{key}" file="properties/secure.properties">
    <secure-properties:encrypt algorithm="AES" mode="CBC"/>
  </secure-properties:config>
"#
        ),
    );
    write(
        root,
        &format!("{name}/src/main/resources/properties/app.properties"),
        plain,
    );
    write(
        root,
        &format!("{name}/src/main/resources/properties/secure.properties"),
        secure,
    );
}

/// The IG104 findings.
fn decrypted(findings: &[Finding]) -> Vec<&Finding> {
    findings.iter().filter(|f| f.rule == "IG104").collect()
}

/// The one IG103 finding of `findings`, checked to lie in a file whose
/// path ends with `at` (any file when `at` is empty).
fn the_key_at<'a>(findings: &'a [Finding], at: &str) -> &'a Finding {
    let keys: Vec<&Finding> = findings.iter().filter(|f| f.rule == "IG103").collect();
    assert_eq!(keys.len(), 1, "{findings:#?}");
    assert!(keys[0].location.path.ends_with(at), "{:#?}", keys[0]);
    keys[0]
}

/// A key committed in one app opens another app's value (tried as a key
/// from another app, ranked last), the app holding the value read first.
#[test]
fn another_apps_key_opens_a_value_read_before_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let key = "Beta0123456789ab";
    secured_app(
        root,
        "alpha-api",
        "${vault.key}",
        &format!("db.password={}\n", encrypted(key, "Alpha-Secret-1")),
        "db.user=alpha\n",
    );
    secured_app(
        root,
        "beta-api",
        "${encryption.key}",
        &format!("sf.password={}\n", encrypted(key, "Beta-Secret-22")),
        &format!("encryption.key={key}\n"),
    );
    let findings = scanned_as_whole(root);
    let found = decrypted(&findings);
    assert_eq!(found.len(), 2, "{findings:#?}");
    let alpha = found
        .iter()
        .find(|f| f.message.starts_with("alpha-api:"))
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert!(
        alpha.message.contains("`db.password`") && alpha.message.contains("of app beta-api"),
        "{}",
        alpha.message
    );
    let shown = format!("{findings:?}");
    assert!(!shown.contains(key) && !shown.contains("Alpha-Secret-1"));
}

/// More than 64 distinct keys committed in other apps: each app's own key
/// is tried alone on its values, each key still opening its own app's.
#[test]
fn a_monorepo_of_many_keys_tries_each_apps_own() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for i in 0..66 {
        let key = format!("Key-{i:02}-abcdefghi");
        assert_eq!(key.len(), 16);
        secured_app(
            root,
            &format!("app-{i:02}"),
            "${encryption.key}",
            &format!(
                "sf.password={}\n",
                encrypted(&key, &format!("Secret-{i:02}"))
            ),
            &format!("encryption.key={key}\n"),
        );
    }
    let findings = scanned_as_whole(root);
    let found = decrypted(&findings);
    assert_eq!(found.len(), 66, "{findings:#?}");
    assert!(found.iter().all(|f| !f.message.contains("of app ")));
}

/// One secure file copied into two apps (its values tried once per key
/// and cipher, the result kept for the copy), and an app whose `![...]`
/// value no secure-properties config reads (never tried: a warning).
#[test]
fn a_copied_value_and_an_app_without_a_config() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let key = "Copy0123456789ab";
    let secure = format!(
        "sf.password={}\nsf.token={}\n",
        encrypted(key, "Copied-Pass-1"),
        encrypted(key, "Copied-Token-1")
    );
    for app in ["orders-api", "refunds-api"] {
        secured_app(
            root,
            app,
            "${encryption.key}",
            &secure,
            &format!("encryption.key={key}\n"),
        );
    }
    mule4_app(
        root,
        "plain-api",
        r#"  <configuration-properties file="properties/app.properties"/>
"#,
    );
    write(
        root,
        "plain-api/src/main/resources/properties/app.properties",
        &format!(
            "encryption.key={key}\nsf.password={}\n",
            encrypted(key, "Plain-Pass-1")
        ),
    );
    let outcome = scan(&options(vec![root.to_path_buf()]));
    let findings = scanned_as_whole(root);
    let found = decrypted(&findings);
    assert_eq!(found.len(), 4, "{findings:#?}");
    assert!(found.iter().all(|f| !f.message.starts_with("plain-api")));
    assert!(
        outcome
            .diagnostics
            .iter()
            .any(|d| d.message.starts_with("plain-api:") && d.message.contains("sf.password")),
        "{:#?}",
        outcome.diagnostics
    );
}

/// A config's key named otherwise than the property defining it
/// (`${app.crypt}` and `APP_CRYPT`, which IG103 reads as one name) and
/// not like an encryption key: the definition is a committed key for the
/// config, in `scan` as in the whole Inventory.
#[test]
fn a_key_defined_under_another_spelling_of_its_name() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let key = "Crypt0123456789a";
    secured_app(
        root,
        "crypt-api",
        "${app.crypt}",
        &format!("sf.password={}\n", encrypted(key, "Crypt-Pass-1")),
        &format!("APP_CRYPT={key}\n"),
    );
    let findings = scanned_as_whole(root);
    the_key_at(&findings, "app.properties");
    assert_eq!(decrypted(&findings).len(), 1, "{findings:#?}");
}

/// The fixture trees of `rule`, sorted; at least `at_least` of them (so
/// that a moved folder fails the test instead of checking nothing).
fn fixture_trees(rule: &str, at_least: usize) -> Vec<std::path::PathBuf> {
    let fixtures = workspace().join("crates/rules/tests/fixtures").join(rule);
    let mut trees: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|t| t.unwrap().path())
        .filter(|t| t.is_dir())
        .collect();
    trees.sort();
    assert!(trees.len() >= at_least, "{trees:?}");
    trees
}

/// IG104's fixture trees (two configs reading one app's files, settings
/// differing per environment, MUnit test resources read by a test suite's
/// config only, a Mule plugin's values lent to its importers ...): the
/// facts worked out as each app is read decrypt what the apps do.
#[test]
fn ig104_fixture_trees_report_as_the_whole_inventory() {
    for tree in fixture_trees("IG104", 10) {
        let found = decrypted(&scanned_as_whole(&tree)).len();
        let negative = tree.ends_with("negative");
        assert_eq!(found == 0, negative, "{}: {found}", tree.display());
    }
}

/// IG103's fixture trees (a key kept in a secure file, a key named by a
/// config only, a Mule plugin's MUnit config ...): the key definitions
/// worked out as each app is read (its `KeyFacts`) report what the whole
/// Inventory does, and so does the whole Inventory with them cleared.
#[test]
fn ig103_fixture_trees_report_as_the_whole_inventory() {
    for tree in fixture_trees("IG103", 5) {
        let findings = scanned_as_whole(&tree);
        let found = findings.iter().filter(|f| f.rule == "IG103").count();
        let negative = tree.ends_with("negative");
        assert_eq!(found == 0, negative, "{}: {found}", tree.display());
    }
}

/// A Mule 4 app reading `properties/${mule.env}.yaml` and
/// `properties/${mule.env}-secure.yaml` with the key `${encryption.key}`,
/// for each of `envs`: (environment, the key committed in its plain file,
/// the password encrypted in its secure file).
fn per_environment_app(root: &Path, name: &str, envs: &[(&str, &str, &str)]) {
    mule4_app(
        root,
        name,
        &format!(
            r#"  <global-property name="mule.env" value="dev"/>
  <configuration-properties file="properties/${{mule.env}}.yaml"/>
  <secure-properties:config name="{name}-secure" key="${{encryption.key}}" file="properties/${{mule.env}}-secure.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC"/>
  </secure-properties:config>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${{sf.username}}" password="${{secure::sf.password}}"/>
  </salesforce:sfdc-config>
"#
        ),
    );
    for (env, key, password) in envs {
        write(
            root,
            &format!("{name}/src/main/resources/properties/{env}.yaml"),
            &format!("encryption:\n  key: \"{key}\"\nsf:\n  username: \"int.{name}@acme.example.{env}\"\n"),
        );
        write(
            root,
            &format!("{name}/src/main/resources/properties/{env}-secure.yaml"),
            &format!("sf:\n  password: \"{}\"\n", encrypted(key, password)),
        );
    }
}

/// A compact app's config key resolved per environment (`${mule.env}`
/// files, a different key in each): the app keeps no property file, and
/// IG103 (one finding per environment's key) and IG104 (each environment's
/// value opened by its own key) report what the whole Inventory does.
#[test]
fn a_config_key_resolved_per_environment_reports_as_the_whole_inventory() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    per_environment_app(
        root,
        "orders-api",
        &[
            ("dev", "DevKey0123456789", "Dev-Password-1"),
            ("prod", "ProdKey012345678", "Prod-Password-2"),
        ],
    );
    let findings = scanned_as_whole(root);
    let mut keys: Vec<(&str, Vec<String>)> = findings
        .iter()
        .filter(|f| f.rule == "IG103")
        .map(|f| (f.location.path.as_str(), f.environments.clone()))
        .collect();
    keys.sort();
    assert_eq!(keys.len(), 2, "{findings:#?}");
    assert!(keys[0].0.ends_with("properties/dev.yaml"), "{keys:?}");
    assert_eq!(keys[0].1, ["dev"]);
    assert!(keys[1].0.ends_with("properties/prod.yaml"), "{keys:?}");
    assert_eq!(keys[1].1, ["prod"]);
    let mut opened: Vec<&str> = decrypted(&findings)
        .iter()
        .map(|f| f.location.path.as_str())
        .collect();
    opened.sort();
    assert_eq!(opened.len(), 2, "{findings:#?}");
    assert!(opened[0].ends_with("dev-secure.yaml") && opened[1].ends_with("prod-secure.yaml"));
    let shown = format!("{findings:?}");
    for secret in [
        "DevKey0123456789",
        "ProdKey012345678",
        "Dev-Password-1",
        "Prod-Password-2",
    ] {
        assert!(!shown.contains(secret), "{secret}");
    }
}

/// A compact app's key committed as a `<global-property>` its config's
/// `${encryption.key}` resolves to (and named like a key): one IG103
/// finding at the global property, and the value it opens (IG104), as the
/// whole Inventory reports them.
#[test]
fn a_key_in_a_global_property_reports_as_the_whole_inventory() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let key = "Glob0123456789ab";
    mule4_app(
        root,
        "billing-api",
        &format!(
            r#"  <global-property name="encryption.key" value="{key}"/>
  <secure-properties:config name="billing-secure" key="${{encryption.key}}" file="properties/secure.properties">
    <secure-properties:encrypt algorithm="AES" mode="CBC"/>
  </secure-properties:config>
"#
        ),
    );
    write(
        root,
        "billing-api/src/main/resources/properties/secure.properties",
        &format!("db.password={}\n", encrypted(key, "Billing-Secret-3")),
    );
    let findings = scanned_as_whole(root);
    the_key_at(&findings, "src/main/mule/global.xml");
    assert_eq!(decrypted(&findings).len(), 1, "{findings:#?}");
    let shown = format!("{findings:?}");
    assert!(!shown.contains(key) && !shown.contains("Billing-Secret-3"));
}

/// A compact app's files keep, after its app pass, only the assignments
/// IG103 reads (a committed value named as a key, or as one of the app's
/// own configs' keys however spelt): a key passed on the command line of
/// the app's deploy script under its config's name is still reported, and
/// still opens the app's value (IG104).
#[test]
fn a_key_passed_to_the_apps_deploy_command_reports_as_the_whole_inventory() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let key = "Cmdl0123456789ab";
    secured_app(
        root,
        "crypt-api",
        "${app.crypt}",
        &format!("sf.password={}\n", encrypted(key, "Deploy-Pass-7")),
        "sf.user=int.crypt@acme.example\n",
    );
    write(
        root,
        "crypt-api/scripts/deploy.sh",
        &format!(
            "#!/usr/bin/env bash\nmvn -B deploy -DmuleDeploy -Dmule.env=dev -Dapp.crypt={key}\n"
        ),
    );
    write(
        root,
        "crypt-api/pom.xml",
        "<project>\n  <properties>\n    <app.runtime>4.6.8</app.runtime>\n  </properties>\n</project>\n",
    );
    let findings = scanned_as_whole(root);
    the_key_at(&findings, "scripts/deploy.sh");
    assert_eq!(decrypted(&findings).len(), 1, "{findings:#?}");
    let shown = format!("{findings:?}");
    assert!(!shown.contains(key) && !shown.contains("Deploy-Pass-7"));
}

/// An assignment not named as a secret is one when some app reads its name
/// where a secret is expected: the output's redactor masks its value
/// whichever app is read first, though the compact app's files no longer
/// hold the assignment once its app pass is done (IG103 does not read it).
#[test]
fn an_assignment_another_app_reads_as_a_secret_is_masked_as_in_the_whole_inventory() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let value = "Zq7Hunter2Wombat";
    let token = "00D5g000005mVws!AQjCQwEXYoKpN0ghBClaFpltvJgK4OgHDCPvZ0GJgJtPhhiWDG4jDQFCf7n3wcTRbuioe46NfVDQydIP5Gh4DSmIX3JIL1jwNwqJ9I";
    // Read first (`a-` sorts first): its deploy command sets the value, on
    // the line of a session token, which IG106 reports with the line.
    mule4_app(root, "a-orders-api", "");
    write(
        root,
        "a-orders-api/scripts/deploy.sh",
        &format!(
            "#!/usr/bin/env bash\nmvn -B deploy -Dorders.value={value} -Dsf.session={token}\n"
        ),
    );
    // Reads `orders.value` as its secure-properties key.
    secured_app(
        root,
        "b-billing-api",
        "${orders.value}",
        "db.password=![bm90IGEgcmVhbCB2YWx1ZQ==]\n",
        "db.user=billing\n",
    );
    let findings = scanned_as_whole(root);
    let tokens: Vec<&Finding> = findings.iter().filter(|f| f.rule == "IG106").collect();
    assert!(!tokens.is_empty(), "{findings:#?}");
    let shown = serde_json::to_string(&findings).unwrap();
    assert!(shown.contains("orders.value"), "{shown}");
    assert!(!shown.contains(value), "{shown}");
}

/// An app whose key facts hold nothing (its key is committed nowhere but
/// in its deploy command, and its encryption needs no upgrade) keeps none
/// (`KeyFacts::holds_nothing`): IG103 still reads its config, and finds
/// the key the command passes.
#[test]
fn a_config_whose_key_facts_hold_nothing_still_finds_its_key_on_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let key = "Rand0123456789ab";
    mule4_app(
        root,
        "random-api",
        r#"  <secure-properties:config name="random-secure" key="${app.crypt}" file="properties/secure.properties">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
  </secure-properties:config>
"#,
    );
    write(
        root,
        "random-api/src/main/resources/properties/secure.properties",
        "db.user=random\n",
    );
    write(
        root,
        "random-api/scripts/deploy.sh",
        &format!("#!/usr/bin/env bash\nmvn -B deploy -DmuleDeploy -Dapp.crypt={key}\n"),
    );
    let findings = scanned_as_whole(root);
    the_key_at(&findings, "scripts/deploy.sh");
    assert!(!format!("{findings:?}").contains(key));
}
