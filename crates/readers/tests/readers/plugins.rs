//! A Mule plugin's configurations lent to the apps importing them
//! (`Inventory::lend_plugin_configurations`), and taken back.

use std::fs;
use std::path::Path;

use intguard_readers::{read_paths, ReadOptions};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn pom(artifact: &str, packaging: &str, plugin_dependency: bool) -> String {
    let dependency = if plugin_dependency {
        "<dependencies><dependency><groupId>com.acme</groupId><artifactId>common-lib</artifactId><version>1.0.0</version><classifier>mule-plugin</classifier></dependency></dependencies>"
    } else {
        ""
    };
    format!(
        "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion><groupId>com.acme</groupId><artifactId>{artifact}</artifactId><version>1.0.0</version><packaging>{packaging}</packaging>{dependency}</project>"
    )
}

#[test]
fn an_importing_app_reads_its_secure_file_through_the_plugin_config_while_lent() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "common-lib/pom.xml",
        &pom("common-lib", "mule-plugin", false),
    );
    write(
        root,
        "common-lib/src/main/mule/common.xml",
        r#"<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:tls="http://www.mulesoft.org/schema/mule/tls"
    xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <secure-properties:config name="Common_Secure" key="${encryption.key}" file="properties/${mule.env}-secure.yaml"/>
  <tls:context name="Common_TLS"><tls:key-store path="${ks.path}" password="${secure::ks.password}"/></tls:context>
</mule>"#,
    );
    write(
        root,
        "orders/pom.xml",
        &pom("orders", "mule-application", true),
    );
    write(root, "orders/mule-artifact.json", "{}");
    write(
        root,
        "orders/src/main/mule/global.xml",
        r#"<mule xmlns="http://www.mulesoft.org/schema/mule/core">
  <import file="common.xml"/>
  <configuration-properties file="properties/${mule.env}.yaml"/>
</mule>"#,
    );
    write(
        root,
        "orders/src/main/resources/properties/dev.yaml",
        "ks:\n  path: \"ks.p12\"\n",
    );
    write(
        root,
        "orders/src/main/resources/properties/dev-secure.yaml",
        "ks:\n  password: \"![abc=]\"\n",
    );
    let mut inv = read_paths(&[root.to_path_buf()], &ReadOptions::default());
    let as_read = serde_json::to_string(&inv.apps).unwrap();
    let orders = || inv.apps.iter().position(|a| a.name == "orders").unwrap();
    let secure = |inv: &intguard_model::Inventory, i: usize| {
        inv.apps[i]
            .property_files
            .iter()
            .find(|f| f.path.ends_with("dev-secure.yaml"))
            .map(|f| (f.secure, f.environment.clone()))
            .unwrap()
    };
    let i = orders();
    assert!(
        !secure(&inv, i).0,
        "read as a plain file: no config of its own reads it"
    );
    assert!(inv.apps[i].tls_context("Common_TLS").is_none());

    inv.lend_plugin_configurations();
    assert_eq!(secure(&inv, i), (true, Some("dev".to_string())));
    let app = &inv.apps[i];
    assert_eq!(app.environments, ["dev"]);
    assert!(app.tls_context("Common_TLS").is_some());
    let file = app
        .property_files
        .iter()
        .find(|f| f.path.ends_with("dev-secure.yaml"))
        .unwrap();
    assert_eq!(
        app.secure_config_for(file).and_then(|c| c.name.as_deref()),
        Some("Common_Secure")
    );
    // The plugin itself is lent nothing.
    let plugin = inv.apps.iter().find(|a| a.name == "common-lib").unwrap();
    assert!(plugin.plugin_loan.is_none());

    inv.return_plugin_configurations();
    assert_eq!(serde_json::to_string(&inv.apps).unwrap(), as_read);
}

/// An app whose only environment comes from the file a lent config reads
/// (no property import of its own) has no environment again once the
/// loan is returned.
#[test]
fn an_app_with_no_environment_of_its_own_gets_none_back() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "common-lib/pom.xml",
        &pom("common-lib", "mule-plugin", false),
    );
    write(
        root,
        "common-lib/src/main/mule/common.xml",
        r#"<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <secure-properties:config name="Common_Secure" key="${encryption.key}" file="properties/${mule.env}-secure.yaml"/>
</mule>"#,
    );
    write(
        root,
        "orders/pom.xml",
        &pom("orders", "mule-application", true),
    );
    write(root, "orders/mule-artifact.json", "{}");
    write(
        root,
        "orders/src/main/mule/global.xml",
        r#"<mule xmlns="http://www.mulesoft.org/schema/mule/core">
  <import file="common.xml"/>
</mule>"#,
    );
    write(
        root,
        "orders/src/main/resources/properties/dev-secure.yaml",
        "ks:\n  password: \"![abc=]\"\n",
    );
    let mut inv = read_paths(&[root.to_path_buf()], &ReadOptions::default());
    let i = inv.apps.iter().position(|a| a.name == "orders").unwrap();
    let before = (
        inv.apps[i].environments.clone(),
        inv.apps[i].property_order.clone(),
    );
    inv.lend_plugin_configurations();
    assert_eq!(inv.apps[i].environments, ["dev"]);
    inv.return_plugin_configurations();
    assert_eq!(
        (
            inv.apps[i].environments.clone(),
            inv.apps[i].property_order.clone()
        ),
        before
    );
}
