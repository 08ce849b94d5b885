use super::http::handed_on;
use super::*;

#[test]
fn chains_of_flows_are_named_in_order() {
    assert_eq!(handed_on(&[]), "this flow");
    assert_eq!(
        handed_on(&["w".to_string()]),
        "`w`, which hands it on to this flow"
    );
    assert_eq!(
        handed_on(&["a".to_string(), "b".to_string(), "c".to_string()]),
        "`a`, which hands it on through `b` and `c` to this flow"
    );
}
use crate::support::testkit::{app, attr, conn, loc, props, val};
use intguard_model::{Assignment, AuthClass, GlobalProperty, TextFileFacts};

const XML: &str = "orders/src/main/mule/global.xml";
const SECRETS: &[&str] = &[
    "Tiger2024!",
    "aB3dE5fG7hJ9kL1m",
    "Kst0reP4ss",
    "Sup3rS3cret!",
];

fn orders() -> MuleApp {
    let mut a = app("orders", &["dev", "prod"]);
    a.salesforce_connections = vec![conn(
        "Salesforce_Config",
        "salesforce:basic-connection",
        AuthClass::Password,
        XML,
        10,
        &[
            ("username", "${sfdc.username}"),
            ("password", "${sfdc.password}"),
            ("securityToken", "${secure::sfdc.token}"),
        ],
    )];
    a.secret_attributes = intguard_model::thin_vec![
        attr(
            "salesforce:basic-connection",
            Some("Salesforce_Config"),
            "password",
            "${sfdc.password}",
            XML,
            10,
        ),
        attr(
            "salesforce:basic-connection",
            Some("Salesforce_Config"),
            "securityToken",
            "${secure::sfdc.token}",
            XML,
            10,
        ),
        attr(
            "tls:key-store",
            Some("TLS_Context"),
            "keyPassword",
            "Kst0reP4ss",
            XML,
            20,
        ),
        attr(
            "tls:key-store",
            Some("TLS_Context"),
            "password",
            "changeit",
            XML,
            21,
        ),
    ];
    let mut unused = props(
        "orders/src/main/resources/properties/old.properties",
        None,
        false,
        &[("sfdc.password", "Sup3rS3cret!"), ("sfdc.user", "x")],
    );
    unused.loaded = false;
    unused.format = PropertyFormat::Properties;
    a.property_files = vec![
        props(
            "orders/src/main/resources/properties/dev.yaml",
            Some("dev"),
            false,
            &[
                ("sfdc.username", "int.dev@acme.com"),
                ("sfdc.password", "${SFDC_PW}"),
            ],
        ),
        props(
            "orders/src/main/resources/properties/prod.yaml",
            Some("prod"),
            false,
            &[
                ("sfdc.username", "int.orders@acme.com"),
                ("sfdc.password", "Tiger2024!"),
                ("feature.token.enabled", "true"),
            ],
        ),
        props(
            "orders/src/main/resources/properties/prod-secure.yaml",
            Some("prod"),
            true,
            &[
                ("sfdc.token", "aB3dE5fG7hJ9kL1m"),
                ("sfdc.consumerSecret", "![w9oKTqKTtvBuRUVbhQP/qw==]"),
            ],
        ),
        unused,
    ]
    .into();
    a
}

fn places(f: &[Finding]) -> Vec<(String, u32)> {
    let mut v: Vec<_> = f
        .iter()
        .map(|f| (f.location.path.to_string(), f.location.line))
        .collect();
    v.sort();
    v
}

fn assert_no_secret(f: &[Finding]) {
    for f in f {
        let mut texts = vec![f.message.clone(), f.fix.to_string()];
        texts.extend(f.related.iter().map(|r| r.message.to_string()));
        for t in texts {
            for s in SECRETS {
                assert!(!t.contains(s), "secret in {t}");
            }
        }
    }
}

#[test]
fn flags_xml_and_every_property_file() {
    let inv = Inventory {
        apps: vec![orders()],
        ..Default::default()
    };
    let f = PlaintextSecret.check(&inv);
    assert_eq!(
        places(&f),
        vec![
            (XML.to_string(), 20),
            (XML.to_string(), 21),
            (
                "orders/src/main/resources/properties/old.properties".to_string(),
                1
            ),
            (
                "orders/src/main/resources/properties/prod-secure.yaml".to_string(),
                1
            ),
            (
                "orders/src/main/resources/properties/prod.yaml".to_string(),
                2
            ),
        ]
    );
    assert_no_secret(&f);
    let prod = f
        .iter()
        .find(|f| f.location.path.ends_with("prod.yaml"))
        .unwrap();
    assert_eq!(prod.environments, vec!["prod".to_string()]);
    assert_eq!(prod.identity.as_deref(), Some("int.orders@acme.com"));
    assert_eq!(prod.related.len(), 1);
    assert_eq!(
        (prod.related[0].path.as_str(), prod.related[0].line),
        (XML, 10)
    );
    assert!(
        prod.message
            .contains("`sfdc.password` in prod.yaml (prod) is in clear (Ti…(10) sha256:"),
        "{}",
        prod.message
    );
    assert!(prod
        .message
        .contains("read by `password` of <salesforce:basic-connection> `Salesforce_Config`"));
    let secure = f
        .iter()
        .find(|f| f.location.path.ends_with("prod-secure.yaml"))
        .unwrap();
    assert!(
        secure
            .message
            .contains("is not encrypted, although the file is a secure-properties file"),
        "{}",
        secure.message
    );
    assert_eq!(secure.identity.as_deref(), Some("int.orders@acme.com"));
    let old = f
        .iter()
        .find(|f| f.location.path.ends_with("old.properties"))
        .unwrap();
    assert!(old.message.contains("no configuration loads"));
    assert!(
        old.fix.contains("sfdc.password: \"![<encrypted value>]\""),
        "{}",
        old.fix
    );
    assert_eq!(old.related.len(), 1, "linked by name");
    // The key store's default password counts; it is said to be one.
    let default = f
        .iter()
        .find(|f| {
            f.fingerprint_key
                .starts_with("xml|TLS_Context|tls:key-store|password|")
        })
        .unwrap();
    assert!(
        default.message.contains("a well-known default password"),
        "{}",
        default.message
    );
    let ks = f.iter().find(|f| f.location.line == 20).unwrap();
    // The element, the attribute and the value's digest: two literals of
    // one name are told apart by what they hold, not by their order.
    assert!(
        ks.fingerprint_key
            .starts_with("xml|TLS_Context|tls:key-store|keyPassword|"),
        "{}",
        ks.fingerprint_key
    );
    assert!(
        ks.fix.contains("${secure::tls_context.keyPassword}"),
        "{}",
        ks.fix
    );
}

#[test]
fn property_read_by_a_password_attribute_counts_whatever_its_name() {
    let mut a = app("billing", &[]);
    a.secret_attributes = intguard_model::thin_vec![attr(
        "http:basic-authentication",
        Some("ERP"),
        "password",
        "${erp.pw}",
        "billing/x.xml",
        4,
    )];
    a.property_files = vec![props(
        "billing/config.yaml",
        None,
        false,
        &[("erp.pw", "Tiger2024!"), ("erp.host", "erp")],
    )]
    .into();
    a.global_properties = vec![GlobalProperty {
        name: "erp.password".into(),
        value: val("Tiger2024!", "billing/x.xml", 2),
        location: loc("billing/x.xml", 2),
    }]
    .into();
    let inv = Inventory {
        apps: vec![a],
        text_files: vec![TextFileFacts {
            path: "scripts/run.sh".into(),
            assignments: vec![
                Assignment {
                    form: Default::default(),
                    name: "SFDC_PASSWORD".into(),
                    value: "Tiger2024!".into(),
                    secret: true,
                    location: loc("scripts/run.sh", 3),
                },
                Assignment {
                    form: Default::default(),
                    name: "SFDC_TOKEN".into(),
                    value: "$SFDC_TOKEN".into(),
                    secret: true,
                    location: loc("scripts/run.sh", 4),
                },
                Assignment {
                    form: Default::default(),
                    name: "encryption.key".into(),
                    value: "Abcdef0123456789".into(),
                    secret: true,
                    location: loc("scripts/run.sh", 5),
                },
            ],
            ..Default::default()
        }],
        ..Default::default()
    };
    let f = PlaintextSecret.check(&inv);
    assert_eq!(
        places(&f),
        vec![
            ("billing/config.yaml".to_string(), 1),
            ("billing/x.xml".to_string(), 2),
            ("scripts/run.sh".to_string(), 3),
        ]
    );
    assert_no_secret(&f);
    assert_eq!(
        f.iter()
            .find(|f| f.location.line == 1)
            .unwrap()
            .environments,
        Vec::<String>::new()
    );
}

#[test]
fn references_encrypted_values_and_dummies_are_clean() {
    let mut a = app("clean", &["dev"]);
    a.secret_attributes = intguard_model::thin_vec![
        attr(
            "salesforce:jwt-connection",
            Some("SF"),
            "storePassword",
            "${secure::sf.storePassword}",
            "clean/g.xml",
            3,
        ),
        attr(
            "tls:trust-store",
            Some("TLS"),
            "password",
            "changeit",
            "clean/g.xml",
            9,
        ),
    ];
    a.property_files = vec![props(
        "clean/dev-secure.yaml",
        Some("dev"),
        true,
        &[
            ("sf.storePassword", "![w9oKTqKTtvBuRUVbhQP/qw==]"),
            ("sf.password", "<password>"),
            ("sf.tokenEndpoint", "https://x"),
        ],
    )]
    .into();
    let inv = Inventory {
        apps: vec![a],
        ..Default::default()
    };
    assert!(PlaintextSecret.check(&inv).is_empty());
}

#[test]
fn salesforce_tokens_are_left_to_ig106() {
    use intguard_model::TokenCandidate;
    let token = "00D5e000000AbCdEFG!AQ8AQPz1x2y3z4w5v6u7t8s9r0q";
    let inv = Inventory {
        text_files: vec![TextFileFacts {
            path: "scripts/smoke.sh".into(),
            tokens: intguard_model::thin_vec![TokenCandidate {
                kind: intguard_model::TokenKind::AccessToken,
                value: token.into(),
                location: loc("scripts/smoke.sh", 2),
                host: None,
            }],
            assignments: vec![
                Assignment {
                    form: Default::default(),
                    name: "SF_TOKEN".into(),
                    value: token.into(),
                    secret: true,
                    location: loc("scripts/smoke.sh", 2),
                },
                Assignment {
                    form: Default::default(),
                    name: "SF_PASSWORD".into(),
                    value: "Tiger2024!".into(),
                    secret: true,
                    location: loc("scripts/smoke.sh", 3),
                },
            ],
            ..Default::default()
        }],
        ..Default::default()
    };
    let f = PlaintextSecret.check(&inv);
    assert_eq!(places(&f), vec![("scripts/smoke.sh".to_string(), 3)]);
}

#[test]
fn test_sources_are_lowered() {
    let mut a = app("t", &[]);
    a.property_files = vec![props(
        "t/src/test/resources/test.yaml",
        None,
        false,
        &[("sfdc.password", "Tiger2024!")],
    )]
    .into();
    let inv = Inventory {
        apps: vec![a],
        ..Default::default()
    };
    let f = PlaintextSecret.run(&inv);
    assert_eq!(f[0].severity, Severity::High);
}

/// A well-known default password read through a property counts as it does
/// written in the XML, where a store holding a private key reads it (the key
/// store's `keyPassword`), and not for a trust store, whose `changeit` guards
/// nothing secret.
#[test]
fn default_key_store_password_read_through_a_property() {
    let mut a = app("orders", &["dev"]);
    a.secret_attributes = intguard_model::thin_vec![
        attr(
            "tls:key-store",
            Some("Listener_TLS"),
            "keyPassword",
            "${tls.keyPassword}",
            XML,
            18,
        ),
        attr(
            "tls:trust-store",
            Some("Listener_TLS"),
            "password",
            "${tls.trustPassword}",
            XML,
            19,
        ),
    ];
    a.property_files = vec![props(
        "orders/src/main/resources/config/dev.yaml",
        Some("dev"),
        false,
        &[
            ("tls.keyPassword", "changeit"),
            ("tls.trustPassword", "changeit"),
        ],
    )]
    .into();
    let inv = Inventory {
        apps: vec![a],
        ..Default::default()
    };
    let f = PlaintextSecret.check(&inv);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].location.line, 1, "the key store's keyPassword entry");
    assert!(
        f[0].message
            .contains("`tls.keyPassword` in dev.yaml (dev) is in clear (ch…(8) sha256:")
            && f[0].message.contains("a well-known default password"),
        "{}",
        f[0].message
    );
}

/// The fix names the file the app's secure-properties configuration reads;
/// with none, the file a new one would read beside the app's other
/// property files (what `fix secrets` creates).
#[test]
fn fixes_name_the_apps_own_secure_file() {
    let with_config = |config: Option<&str>| {
        let mut a = app("orders", &["dev"]);
        a.property_imports = intguard_model::thin_vec![intguard_model::PropertyImport {
            element: "configuration-properties".into(),
            file: val("config/config-${env}.properties", XML, 3),
            secure: false,
        }];
        if let Some(file) = config {
            a.secure_property_configs = vec![intguard_model::SecurePropertiesConfig {
                name: Some("Secure_Props".into()),
                element: "secure-properties:config".into(),
                location: loc(XML, 5),
                key: Some(val("${mule.key}", XML, 5)),
                file: Some(val(file, XML, 5).into()),
                algorithm: None,
                mode: None,
                use_random_ivs: None,
            }];
        }
        a.property_files = vec![props(
            "orders/src/main/resources/config/config-dev.properties",
            Some("dev"),
            false,
            &[("sfdc.password", "Tiger2024!")],
        )]
        .into();
        let f = PlaintextSecret.check(&Inventory {
            apps: vec![a],
            ..Default::default()
        });
        assert_eq!(f.len(), 1, "{f:#?}");
        f[0].fix.clone()
    };
    let own = with_config(Some("classpath:/secure/${env}.yaml"));
    assert!(
        own.contains(
            "secure properties file (secure/${env}.yaml, read by <secure-properties:config> `Secure_Props`)"
        ),
        "{own}"
    );
    assert!(
        own.contains("as `sfdc.password: \"![<encrypted value>]\"`"),
        "{own}"
    );
    let new = with_config(None);
    assert!(
        new.contains(
            "secure properties file (config/${env}-secure.yaml, read by a new <secure-properties:config>)"
        ),
        "{new}"
    );
    // A `.properties` secure file takes `key=![...]`: quotes there would be
    // part of the value, which Mule would then not decrypt.
    let props_file = with_config(Some("secure/${env}-secure.properties"));
    assert!(
        props_file.contains("as `sfdc.password=![<encrypted value>]`"),
        "{props_file}"
    );
}

/// A secret in a file read in every environment is each environment's
/// user's: the finding names them all, not the first environment's only.
#[test]
fn a_secret_read_in_every_environment_names_every_user() {
    let mut a = app("orders", &["dev", "prod"]);
    a.salesforce_connections = vec![conn(
        "Salesforce_Config",
        "salesforce:basic-connection",
        AuthClass::Password,
        XML,
        10,
        &[
            ("username", "${sfdc.user}"),
            ("securityToken", "${sfdc.token}"),
        ],
    )];
    a.secret_attributes = intguard_model::thin_vec![attr(
        "salesforce:basic-connection",
        Some("Salesforce_Config"),
        "securityToken",
        "${sfdc.token}",
        XML,
        10,
    )];
    a.property_files = vec![
        props(
            "orders/src/main/resources/config/common.yaml",
            None,
            false,
            &[("sfdc.token", "Tok3nForEveryEnv-77")],
        ),
        props(
            "orders/src/main/resources/config/dev.yaml",
            Some("dev"),
            false,
            &[("sfdc.user", "int.orders@acme.com.dev")],
        ),
        props(
            "orders/src/main/resources/config/prod.yaml",
            Some("prod"),
            false,
            &[("sfdc.user", "int.orders@acme.com")],
        ),
    ]
    .into();
    let f = PlaintextSecret.check(&Inventory {
        apps: vec![a],
        ..Default::default()
    });
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        f[0].identity.as_deref(),
        Some("int.orders@acme.com.dev (dev), int.orders@acme.com (prod)")
    );
}
