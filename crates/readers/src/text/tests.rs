use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

use super::private_keys::openssh_key_encrypted;
use super::suppressions::yaml_comment_start;
use super::*;

const GENERIC: TextKind = TextKind {
    assignments: AssignmentStyle::Generic,
    comments: CommentSyntax::Any,
};

/// Salesforce CLI JWT logins: long, short and `=` flags, quotes, lines
/// continued with `\`, the arguments of the next command (after `&&`)
/// not read, and a login without a key file left out.
#[test]
fn cli_jwt_logins_with_their_key_file_and_user() {
    let text = "run: |\n  sf org login jwt --username ci@acme.com \\\n    --jwt-key-file assets/server.key --client-id X\n\
                    sfdx force:auth:jwt:grant -i X -f 'keys/a.key' -u \"$SF_USER\" && sfdx force:source:deploy -f other.key\n\
                    sfdx auth:jwt:grant --jwtkeyfile=keys/b.key --username=b@acme.com\n\
                    sf org login jwt -o nokey@acme.com -i X\n";
    let (f, _) = scan(text, "deploy.yml", GENERIC);
    let got: Vec<(&str, &str, Option<&str>, u32)> = f
        .cli_jwt_logins
        .iter()
        .map(|l| {
            (
                l.command.as_str(),
                l.key_file.as_str(),
                l.username.as_deref(),
                l.location.line,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "sf org login jwt",
                "assets/server.key",
                Some("ci@acme.com"),
                2
            ),
            (
                "sfdx force:auth:jwt:grant",
                "keys/a.key",
                Some("$SF_USER"),
                4
            ),
            ("sfdx auth:jwt:grant", "keys/b.key", Some("b@acme.com"), 5),
        ]
    );
}

/// JSON `{"key", "value"}` pairs: escapes undone, `{{variables}}` and
/// empty values skipped, names that hold no secret ignored, a pair with
/// the value first not read (Postman writes the key first).
#[test]
fn json_key_value_pairs_of_secret_names() {
    let json = TextKind {
        assignments: AssignmentStyle::Json,
        comments: CommentSyntax::Any,
    };
    let text = r#"{"values": [
  {"key": "db_password", "value": "a\"b\\c\u0041"},
  {"key": "api_token", "value": "{{token}}"},
  {"key": "client_secret", "value": ""},
  {"key": "username", "value": "svc"},
  {"value": "Reversed-Secret-1", "key": "other_password"}
]}"#;
    let (f, _) = scan(text, "env.postman_environment.json", json);
    let got: Vec<(&str, &str, u32, DefinitionForm)> = f
        .assignments
        .iter()
        .map(|a| (&*a.name, &*a.value, a.location.line, a.form))
        .collect();
    assert_eq!(
        got,
        vec![("db_password", "a\"b\\cA", 2, DefinitionForm::JsonKeyValue)]
    );
}

/// Found by testing as a user would: Groovy writes a literal in quotes, so
/// in a Jenkinsfile an unquoted value is an expression (`credentials('id')`,
/// `params.X`, `env.X`), no secret; `def name = '...'` is a literal.
#[test]
fn groovy_values_are_secrets_only_when_quoted() {
    let text = "pipeline {\n  environment {\n    MULE_KEY = credentials('mule-secure-key')\n    SF_PASSWORD = 'J3nkinsSfPassw0rd!'\n    API_TOKEN = params.API_TOKEN\n    DB_PASSWORD = env.DB_PASSWORD\n  }\n  steps { script {\n    def sfToken = 'Xq9vLm2Rt8Kp4Wz7Ns1Bd6'\n    def secretKey = readFile('key.txt').trim()\n  } }\n}\n";
    for path in [
        "Jenkinsfile",
        "ci/Jenkinsfile.prod",
        "deploy.jenkinsfile",
        "vars/deploy.groovy",
    ] {
        let (f, _) = scan(text, path, GENERIC);
        let got: Vec<(&str, &str, u32)> = f
            .assignments
            .iter()
            .map(|a| (&*a.name, &*a.value, a.location.line))
            .collect();
        assert_eq!(
            got,
            [
                ("SF_PASSWORD", "J3nkinsSfPassw0rd!", 4),
                ("sfToken", "Xq9vLm2Rt8Kp4Wz7Ns1Bd6", 9)
            ],
            "{path}"
        );
    }
    // Elsewhere an unquoted value is a literal (`.env`, YAML).
    let (f, _) = scan("API_TOKEN = params.API_TOKEN\n", "ci.env", GENERIC);
    assert_eq!(f.assignments.len(), 1);
}

/// Found by the fuzzer: a PEM block with no END whose 512th byte after
/// the BEGIN line falls inside a multi-byte character panicked.
#[test]
fn pem_header_cut_inside_a_character() {
    for pad in 0..4 {
        let text = format!(
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAz5m8X1m0\n{}{}\n",
            "A".repeat(480 + pad),
            "é€😀".repeat(20)
        );
        let (f, _) = scan(&text, "notes.md", GENERIC);
        assert_eq!(f.private_keys.len(), 1, "pad {pad}");
        assert_eq!(f.private_keys[0].encrypted, Some(false));
    }
}

/// Found by review: a key written as a `.properties` value, its lines
/// joined by `\n` escapes and `\` continuations, or by continuations
/// alone.
#[test]
fn pem_blocks_in_continued_properties_values() {
    let body = "MIIEowIBAAKCAQEAz5m8X1m0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let forms = [
            format!("k=-----BEGIN RSA PRIVATE KEY-----\\n\\\n  {body}\\n\\\n  -----END RSA PRIVATE KEY-----\n"),
            format!("k=-----BEGIN RSA PRIVATE KEY-----\\\r\n    {body}\\\r\n    -----END RSA PRIVATE KEY-----\n"),
        ];
    for text in &forms {
        let (f, _) = scan(text, "f.properties", GENERIC);
        assert_eq!(f.private_keys.len(), 1, "{text}");
        assert_eq!(f.private_keys[0].encrypted, Some(false));
    }
    // Named in prose: not a key.
    let text = "Paste it after -----BEGIN PRIVATE KEY-----\\\nand a line break.\n";
    assert!(scan(text, "f", GENERIC).0.private_keys.is_empty());
}

/// The whole key on one line, separated by spaces or by nothing (a
/// `.env` value), and an XML attribute with `&#10;` line breaks.
#[test]
fn pem_blocks_on_one_line_and_in_xml_attributes() {
    let body = "MIIEowIBAAKCAQEAz5m8X1m0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    for text in [
            format!("SF_KEY=\"-----BEGIN RSA PRIVATE KEY----- {body} {body} -----END RSA PRIVATE KEY-----\"\n"),
            format!("SF_KEY=-----BEGIN RSA PRIVATE KEY-----{body}{body}-----END RSA PRIVATE KEY-----\n"),
            format!("<k v=\"-----BEGIN RSA PRIVATE KEY-----&#10;{body}&#10;-----END RSA PRIVATE KEY-----\"/>\n"),
        ] {
            let (f, _) = scan(&text, "f", GENERIC);
            assert_eq!(f.private_keys.len(), 1, "{text}");
        }
    // Prose after a label on its line: not a key.
    let text = "Keys start with -----BEGIN PRIVATE KEY----- followed by base64.\n";
    assert!(scan(text, "f", GENERIC).0.private_keys.is_empty());
}

/// Found by review: a passphrase-protected OpenSSH key was called
/// unencrypted. Bodies of `ssh-keygen -t ed25519` keys, cut short.
#[test]
fn openssh_keys_read_their_cipher() {
    let plain = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDMlpDAMcOUerJdINnIvD9TxjDhRzV";
    let enc = "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABAjA2gHmN\n9OOhFxJSfS7VHKAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5";
    let key = |body: &str, sep: &str| {
        let body = body.replace('\n', sep);
        let text = format!("-----BEGIN OPENSSH PRIVATE KEY-----{sep}{body}{sep}-----END OPENSSH PRIVATE KEY-----\n");
        let (f, _) = scan(&text, "id", GENERIC);
        assert_eq!(f.private_keys.len(), 1, "{text}");
        f.private_keys[0].encrypted.unwrap()
    };
    for sep in ["\n", "\r\n", "\\n", "\\n\\\n  "] {
        assert!(!key(plain, sep), "{sep:?}");
        assert!(key(enc, sep), "{sep:?}");
    }
    // A body too short or not OpenSSH's: as before, unencrypted.
    assert!(!openssh_key_encrypted("b3BlbnNzaC1r"));
    assert!(!openssh_key_encrypted(
        "MIIEowIBAAKCAQEAz5m8X1m0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    ));
}

/// The armor of a v4 EdDSA secret key packet (legacy packet format, as
/// GnuPG writes it) whose S2K usage octet is `usage`.
fn pgp_armor(usage: u8, headers: &str, eol: &str) -> String {
    let mut body = vec![4, 0x6b, 0x0d, 0x7d, 0x75, 22, 9];
    body.extend_from_slice(&[0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01]);
    body.extend_from_slice(&[0x01, 0x07, 0x40]);
    body.extend_from_slice(&[0x5a; 32]);
    body.push(usage);
    body.extend_from_slice(&[0x01, 0x00]);
    body.extend_from_slice(&[0x6c; 32]);
    let mut packet = vec![0x94, body.len() as u8];
    packet.extend_from_slice(&body);
    let b64 = BASE64.encode(&packet);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
            "-----BEGIN PGP PRIVATE KEY BLOCK-----{eol}{headers}{eol}{}{eol}=Xy1z{eol}-----END PGP PRIVATE KEY BLOCK-----{eol}",
            lines.join(eol)
        )
}

/// OpenPGP private key blocks, with or without armor headers, in a file
/// or a `\n`-escaped value: in clear or protected per the packet's S2K
/// usage octet. A public key block, or the label in prose, is none.
#[test]
fn pgp_private_key_blocks() {
    for (headers, eol) in [
        ("", "\n"),
        ("Version: BCPG v1.58\nComment: batch key\n", "\n"),
        ("", "\r\n"),
        ("Comment: batch key\\n", "\\n"),
    ] {
        for (usage, encrypted) in [(0, false), (254, true), (3, true)] {
            let armor = pgp_armor(usage, headers, eol);
            let text = format!("pgp.private.key={armor}\n");
            let (f, _) = scan(&text, "f.properties", GENERIC);
            assert_eq!(f.private_keys.len(), 1, "{text}");
            let k = &f.private_keys[0];
            assert_eq!(k.label, "PGP PRIVATE KEY BLOCK");
            assert_eq!(k.encrypted, Some(encrypted), "{text}");
            assert_eq!((k.location.line, k.location.column), (1, 17));
        }
    }
    // Its packets cut before the usage octet: not known.
    let cut = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlIYEaw19dRYJKwYBBAHaRw8BAQdAM2pEAs9wzK7TbvigX50mu6ZvvKt4qc5VcLJQ\n";
    let (f, _) = scan(cut, "notes.md", GENERIC);
    assert_eq!(f.private_keys.len(), 1);
    assert_eq!(f.private_keys[0].encrypted, None);
    for not_one in [
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEaw19dRYJKwYBBAHaRw8BAQdAp+XDe6Tvs/yn8oW5fZTE9obOT9/ZGA5sdyvN\n",
            "Never paste a -----BEGIN PGP PRIVATE KEY BLOCK----- anywhere.\n",
            "Never paste a\n-----BEGIN PGP PRIVATE KEY BLOCK-----\nanywhere.\n",
        ] {
            assert!(scan(not_one, "f", GENERIC).0.private_keys.is_empty(), "{not_one}");
        }
}

#[test]
fn suppression_forms() {
    let text =
        "a\n# intguard-ignore IG102, plaintext-secret: test fixture only\nb // intguard-ignore\n";
    let (_, s) = scan(text, "f", GENERIC);
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].rules, vec!["IG102", "plaintext-secret"]);
    assert_eq!(s[0].reason.as_deref(), Some("test fixture only"));
    assert_eq!((s[0].location.line, s[0].location.column), (2, 1));
    assert!(s[1].rules.is_empty());
    assert_eq!(s[1].location.column, 3);
    // A multi-line XML comment.
    let text = "<a/>\n<!--\n  intguard-ignore IG106 : fake\n  token -->\n";
    let (_, s) = scan(text, "f", XML);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].rules, vec!["IG106"]);
    assert_eq!(s[0].reason.as_deref(), Some("fake token"));
    assert_eq!(s[0].location.line, 2);
}

#[test]
fn suppression_markers_in_capitals() {
    // Written in capitals or capitalised, the marker is still a marker (a
    // marker read in one case only suppressed nothing, silently); so is the
    // next-line form. `intguard-ignored` in any case is not the marker.
    let text = "a\n# INTGUARD-IGNORE IG102: fixture\nb\n# Intguard-Ignore-Next-Line IG109: x\nc\n# INTGUARD-IGNORED IG102: no\n";
    let (_, s) = scan(text, "f", GENERIC);
    let found: Vec<_> = s
        .iter()
        .map(|s| (s.location.line, s.covers_until_line, s.rules.clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            (2, 3, vec!["IG102".to_string()]),
            (4, 5, vec!["IG109".to_string()])
        ]
    );
    let text = "<a>\n  <!-- INTGUARD-IGNORE IG109: health check -->\n  <b/>\n</a>\n";
    assert_eq!(extents(text, XML), vec![(2, 3)]);
}

const XML: TextKind = TextKind {
    assignments: AssignmentStyle::None,
    comments: CommentSyntax::Xml,
};

/// Each token's line and the org host it records.
fn token_hosts(facts: &TextFileFacts) -> Vec<(u32, Option<&str>)> {
    facts
        .tokens
        .iter()
        .map(|t| (t.location.line, t.host.as_deref()))
        .collect()
}

#[test]
fn a_token_records_the_org_host_written_nearest_to_it() {
    let token = "00D7Q000004KqZb!ARkAQwnQrS7RPeMOkIUpkDyr7OSJoRu1XXdo0cZuzre";
    let text = format!(
            "# see https://help.salesforce.com/s/articleView\nQA=https://acme--qa.sandbox.my.salesforce.com\nPROD=https://acme.my.salesforce.com\n\n\nT1={token}\n\n\n\n\n\n\n\n\n\n\nT2={token}\n"
        );
    let (facts, _) = scan(&text, "f.sh", XML);
    let hosts = token_hosts(&facts);
    // The nearest host (help.salesforce.com is no org); none for the
    // token more than five lines from any.
    assert_eq!(
        hosts,
        [(6, Some("acme.my.salesforce.com")), (17, None)],
        "{hosts:?}"
    );
}

/// Between two hosts as near, the one written first; five lines away is
/// near, six is not; in a log with a host on every line (3,000 logins, each
/// token looking only at the hosts near it), each token's own line's.
#[test]
fn a_token_takes_the_first_of_the_nearest_hosts() {
    let token = "00D7Q000004KqZb!ARkAQwnQrS7RPeMOkIUpkDyr7OSJoRu1XXdo0cZuzre";
    let text = format!(
        "A=https://first.my.salesforce.com\n\nT={token}\n\nB=https://second.my.salesforce.com\n\n\n\n\nT={token}\n\n\n\n\n\nT={token}\n"
    );
    let (facts, _) = scan(&text, "f.sh", XML);
    let hosts = token_hosts(&facts);
    assert_eq!(
        hosts,
        [
            (3, Some("first.my.salesforce.com")),
            (10, Some("second.my.salesforce.com")),
            (16, None)
        ],
        "{hosts:?}"
    );
    let log: String = (0..3_000)
        .map(|i| format!("{{\"access_token\":\"{token}\",\"instance_url\":\"https://org{i}.my.salesforce.com\"}}\n"))
        .collect();
    let (facts, _) = scan(&log, "sync.log", GENERIC);
    assert_eq!(facts.tokens.len(), 3_000);
    for (i, t) in facts.tokens.iter().enumerate() {
        assert_eq!(t.location.line as usize, i + 1);
        assert_eq!(
            t.host.as_deref(),
            Some(format!("org{i}.my.salesforce.com").as_str())
        );
    }
}

/// Found by review: a URL-encoded session id (`%21` for `!`). The value
/// is kept as written, so that the redactor masks it where it is.
#[test]
fn url_encoded_access_token() {
    let text = "GET /secur/frontdoor.jsp?sid=00D5e000000AbCd%21AQ8AQHx7cK2mP9vRtL3sWqE8uYbN4dF&retURL=%2F\n";
    let (f, _) = scan(text, "frontdoor.log", GENERIC);
    assert_eq!(f.tokens.len(), 1);
    assert_eq!(
        f.tokens[0].value,
        "00D5e000000AbCd%21AQ8AQHx7cK2mP9vRtL3sWqE8uYbN4dF"
    );
    // Another `%2x` after an org id is no token.
    let text = "a=00D5e000000AbCd%2FAQ8AQHx7cK2mP9vRtL3sWqE8uYbN4dF\n";
    assert!(scan(text, "f.log", GENERIC).0.tokens.is_empty());
}

/// (line, covers_until_line) of each suppression.
fn extents(text: &str, kind: TextKind) -> Vec<(u32, u32)> {
    scan(text, "f", kind)
        .1
        .iter()
        .map(|s| (s.location.line, s.covers_until_line))
        .collect()
}

#[test]
fn xml_suppression_covers_the_next_element_and_its_subtree() {
    let text = r#"<mule>
  <!-- intguard-ignore IG109: health check -->
  <http:listener-config name="Health">
    <http:listener-connection host="0.0.0.0" port="8081" />
  </http:listener-config>
  <http:listener-config name="Api">
    <http:listener-connection host="0.0.0.0" port="8082" />
  </http:listener-config>
</mule>
"#;
    // Lines 2..=5: the comment, the element, its child and its end tag;
    // not the next listener-config.
    assert_eq!(extents(text, XML), vec![(2, 5)]);
}

#[test]
fn xml_suppression_extent_edge_cases() {
    // A self-closing element whose start tag spans lines, after a blank
    // line; an attribute holding `>` and `/>`.
    let text = "<a>\n<!-- intguard-ignore X: r -->\n\n<b x=\"#[1 > 0 and '/>' != '']\"\n   y=\"2\"/>\n<c/>\n</a>\n";
    assert_eq!(extents(text, XML), vec![(2, 5)]);

    // Stacked comments (and a processing instruction) all cover the
    // element; a nested element of the same name and a CDATA section
    // holding a closing tag do not end it early.
    let text = "<a>\n<!-- intguard-ignore X: one -->\n<!-- intguard-ignore Y: two -->\n<?pi x?>\n<b>\n  <b>t</b>\n  <![CDATA[</b>]]>\n</b>\n<c/>\n</a>\n";
    assert_eq!(extents(text, XML), vec![(2, 8), (3, 8)]);

    // A multi-line comment: from its first line to the element's end.
    let text = "<a>\n  <!--\n    intguard-ignore X: why\n  -->\n  <b>\n  </b>\n</a>\n";
    assert_eq!(extents(text, XML), vec![(2, 6)]);

    // After an element on the same line: that line only (see
    // `an_xml_comment_after_a_complete_element_covers_its_line_only`).
    let text = "<a>\n<b/> <!-- intguard-ignore X: r -->\n<c>\n</c>\n<d/>\n</a>\n";
    assert_eq!(extents(text, XML), vec![(2, 2)]);

    // The last child of its parent (no element follows): the next line.
    let text = "<a>\n  <b/>\n  <!-- intguard-ignore X: r -->\n</a>\n<c>\n</c>\n";
    assert_eq!(extents(text, XML), vec![(3, 4)]);

    // At the end of the file, or before broken XML: the next line.
    assert_eq!(
        extents("<a/>\n<!-- intguard-ignore X: r -->", XML),
        vec![(2, 3)]
    );
    let text = "<a>\n<!-- intguard-ignore X: r -->\n<b>\n<c>\n";
    assert_eq!(extents(text, XML), vec![(2, 3)]);

    // `intguard-ignore-next-line` means the next line, even in XML.
    let text = "<a>\n<!-- intguard-ignore-next-line X: r -->\n<b>\n<c/>\n</b>\n</a>\n";
    assert_eq!(extents(text, XML), vec![(2, 3)]);
}

/// Found by testing as a user would: `<scopes>Full</scopes> <!--
/// intguard-ignore IG208: ... -->` covered its line and the next element,
/// so it also hid the RefreshToken scope's finding on the next line, which
/// nobody had accepted. A comment ending a line that holds a whole element
/// covers that line only, as a `#` or `//` comment at the end of a line of
/// text does; after an opening tag or another comment it still covers the
/// next element.
#[test]
fn an_xml_comment_after_a_complete_element_covers_its_line_only() {
    let text = "<a>\n  <scopes>Full</scopes> <!-- intguard-ignore IG208: r -->\n  <scopes>RefreshToken</scopes>\n</a>\n";
    assert_eq!(extents(text, XML), vec![(2, 2)]);
    let text = "<a>\n  <x:b name=\"y\" /><!-- intguard-ignore X: r -->\n  <c/>\n</a>\n";
    assert_eq!(extents(text, XML), vec![(2, 2)]);
    // After an opening tag: its content, the next element.
    let text = "<a>\n  <b> <!-- intguard-ignore X: r -->\n    <c>\n    </c>\n  </b>\n</a>\n";
    assert_eq!(extents(text, XML), vec![(2, 4)]);
    // After another comment: stacked, the next element.
    let text = "<a>\n  <!-- note --> <!-- intguard-ignore X: r -->\n  <c>\n  </c>\n</a>\n";
    assert_eq!(extents(text, XML), vec![(2, 4)]);
}

#[test]
fn line_comment_suppressions_cover_the_next_line() {
    // YAML / properties / shell: `#`; other text: `//`, `/* */`.
    let text = "a: 1\n# intguard-ignore IG102: demo\npassword: x\nb:\n  c: 2\n";
    assert_eq!(extents(text, GENERIC), vec![(2, 3)]);
    let text = "x\n// intguard-ignore IG106: fake\ny\n/* intguard-ignore IG106:\n   fake */\nz\n";
    assert_eq!(extents(text, GENERIC), vec![(2, 3), (4, 6)]);
    // XML has no `#` comments: a `#` line there suppresses nothing.
    let text = "<a>\n# intguard-ignore X: r\n<b>\n</b>\n</a>\n";
    assert_eq!(extents(text, XML), vec![]);
}

const YAML: TextKind = TextKind {
    assignments: AssignmentStyle::None,
    comments: CommentSyntax::Hash,
};

/// A comment opener inside a value (a quoted glob, a cron expression, a
/// URL) opens nothing: the comment holding the marker is the one whose
/// opener is nearest before it, of the file's own syntax.
#[test]
fn yaml_comments_start_outside_quotes() {
    assert_eq!(yaml_comment_start("# x"), Some(0));
    assert_eq!(yaml_comment_start("a: 1 # x"), Some(5));
    assert_eq!(yaml_comment_start("a: b#c"), None);
    assert_eq!(yaml_comment_start("a: \"b # c\""), None);
    assert_eq!(yaml_comment_start("a: 'b '' # c'"), None);
    assert_eq!(yaml_comment_start("a: 'b' # c"), Some(7));
    assert_eq!(yaml_comment_start("a: \"b\\\" # c\" # d"), Some(13));
}

#[test]
fn a_glob_before_a_hash_comment_does_not_stretch_it() {
    let text = "a:\n  archive: \"/data/*\"  # intguard-ignore IG102: a glob\n  username2: \"x\"\n  password: \"Spr1ngOrders#2024\"\n  cron: \"*/5 * * * *\"\n";
    // YAML: `#` only; the comment ends a line of text, so it covers that
    // line alone.
    assert_eq!(extents(text, YAML), vec![(2, 2)]);
    // Any other text: the nearest opener (`#`) wins over the `/*` before it.
    assert_eq!(extents(text, GENERIC), vec![(2, 2)]);
    // A URL's `//` before a `#` comment does not matter either.
    let text = "url: http://x/*  # intguard-ignore IG109: r\nb\nc */\n";
    assert_eq!(extents(text, GENERIC), vec![(1, 1)]);
    // On a line of its own, a comment covers the next line too; with
    // `-next-line` at the end of a line, the next line.
    let text = "a: 1\n  # intguard-ignore IG109: r\nb: 2\nc: 3 # intguard-ignore-next-line IG109: r\nd: 4\n";
    assert_eq!(extents(text, YAML), vec![(2, 3), (4, 5)]);
    // YAML has no `//` or `/* */` comments at all.
    let text = "a: 1\n/* intguard-ignore IG102: r */\nb: 2\n// intguard-ignore IG102: r\n";
    assert_eq!(extents(text, YAML), vec![]);
    // A YAML `#` inside a quoted scalar, or right after a character, is
    // text, not a comment: it suppresses nothing.
    let text = "sfdc:\n  loginUrl: \"http://x/t # intguard-ignore IG109: not a comment\"\n  b: 'x#intguard-ignore IG109: r'\n  c: v#intguard-ignore IG109: r\n  d: 'it''s # intguard-ignore IG109: still text'\n  e: \"a\\\" # intguard-ignore IG109: still\"\n";
    assert_eq!(extents(text, YAML), vec![]);
    // After a closed quote, it is one.
    let text = "a: \"x#y\" # intguard-ignore IG109: r\nb: 1\n";
    assert_eq!(extents(text, YAML), vec![(1, 1)]);
    // .properties: `#` and `!` first on a line; after a key, `#` is
    // part of the value.
    let props = TextKind {
        assignments: AssignmentStyle::None,
        comments: CommentSyntax::Properties,
    };
    let text =
        "a=/data/*\n! intguard-ignore IG102: r\npassword=x\nb=1 # intguard-ignore IG102: r\n";
    assert_eq!(extents(text, props), vec![(2, 3)]);
    // A line that continues an entry's value (the line before ends with an
    // odd number of `\`) is part of the value, not a comment; after an even
    // number, or after a comment line (never continued), it is one.
    let text = "note=\\\n# intguard-ignore IG102: part of note\ntoken=x\n";
    assert_eq!(extents(text, props), vec![]);
    let text = "note=a\\\\\n# intguard-ignore IG102: r\ntoken=x\n";
    assert_eq!(extents(text, props), vec![(2, 3)]);
    let text = "# a comment \\\n# intguard-ignore IG102: r\ntoken=x\n";
    assert_eq!(extents(text, props), vec![(2, 3)]);
    let text = "note=a\\\n  b\\\n# intguard-ignore IG102: part of note\ntoken=x\n";
    assert_eq!(extents(text, props), vec![]);
    // XML: only `<!-- -->`; a `/*` in an attribute opens nothing.
    let text = "<a x=\"/*\"> <!-- intguard-ignore IG102: r -->\n<b/>\n<c/>\n</a>\n";
    assert_eq!(extents(text, XML), vec![(1, 2)]);
}

#[test]
fn generic_secret_lines() {
    let text = "title\n  password: Hunter22x\nkey: cache-v1\nurl=http://x\nSF_PASSWORD=abc123 # note\n<password>s3cr3t</password>\n\"client_secret\": \"zz9\",\n  <consumerSecret> 9F3C1B7E </consumerSecret>\n";
    let (f, _) = scan(text, "README.md", GENERIC);
    let got: Vec<_> = f
        .assignments
        .iter()
        .map(|a| (&*a.name, &*a.value, a.location.line, a.location.column))
        .collect();
    assert_eq!(
        got,
        vec![
            ("password", "Hunter22x", 2, 3),
            ("SF_PASSWORD", "abc123", 5, 1),
            // An XML element's secret is located at its text, past any
            // blanks before it.
            ("password", "s3cr3t", 6, 11),
            ("client_secret", "zz9", 7, 2),
            ("consumerSecret", "9F3C1B7E", 8, 20),
        ]
    );
}

/// (name, value) of each assignment found.
fn name_value_pairs(f: &TextFileFacts) -> Vec<(&str, &str)> {
    f.assignments
        .iter()
        .map(|a| (&*a.name, &*a.value))
        .collect()
}

/// A script's or CI file's value that reads a variable or a command sets no
/// secret of its own, and is not recorded (the output would mask the
/// variable's name); in single quotes `$` is a literal, and the value is.
#[test]
fn values_that_read_a_variable_are_no_definitions() {
    let shell = TextKind {
        assignments: AssignmentStyle::Shell,
        comments: CommentSyntax::Any,
    };
    let text = "export SF_PASSWORD=$SF_PW\nAPI_TOKEN=\"$(vault read -field=token secret/api)\"\nCLIENT_SECRET=%CLIENT_SECRET%\nDB_PASSWORD='$ecret-Pa55'\nMULE_KEY=k3y-2024\n";
    let (f, _) = scan(text, "deploy.sh", shell);
    let got = name_value_pairs(&f);
    assert_eq!(
        got,
        [("DB_PASSWORD", "$ecret-Pa55"), ("MULE_KEY", "k3y-2024")]
    );
    let ci = "deploy:\n  variables:\n    password: $CI_DEPLOY_PASSWORD\n    api_token: \"${{ secrets.API_TOKEN }}\"\n    client_secret: 'S3cret-4-real'\n";
    let (f, _) = scan(ci, ".gitlab-ci.yml", GENERIC);
    let got = name_value_pairs(&f);
    assert_eq!(got, [("client_secret", "S3cret-4-real")]);
}

/// On a command line too: a single-quoted `$` is a literal, so these
/// options set secrets; the double-quoted ones read variables.
#[test]
fn single_quoted_command_line_values_are_literals() {
    let shell = TextKind {
        assignments: AssignmentStyle::Shell,
        comments: CommentSyntax::Any,
    };
    let text = "curl -u 'deploy:$ecret-Pa55' -d 'password=$ecretPw1' https://a.example\ncurl -u \"deploy:$PW\" -d \"password=$PW\" https://a.example\nanypoint-cli --client_secret '$3cret-99x'\nanypoint-cli --client_secret \"$CLIENT_SECRET\"\n";
    let (f, _) = scan(text, "deploy.sh", shell);
    let got = name_value_pairs(&f);
    assert_eq!(
        got,
        [
            ("-u password", "$ecret-Pa55"),
            ("password", "$ecretPw1"),
            ("--client_secret", "$3cret-99x"),
        ]
    );
}

#[test]
fn java_defines_and_shell() {
    let text = "#!/bin/sh\nexport MULE_KEY=abcd1234\nJAVA_OPTS=\"-Dmule.env=prod -Dencryption.key='k3y!'\"\n";
    let (f, _) = scan(
        text,
        "run.sh",
        TextKind {
            assignments: AssignmentStyle::Shell,
            comments: CommentSyntax::Any,
        },
    );
    let got: Vec<_> = f
        .assignments
        .iter()
        .map(|a| {
            (
                &*a.name,
                &*a.value,
                a.secret,
                a.location.line,
                a.location.column,
            )
        })
        .collect();
    assert!(got.contains(&("mule.env", "prod", false, 3, 12)), "{got:?}");
    assert!(
        got.contains(&("encryption.key", "k3y!", true, 3, 28)),
        "{got:?}"
    );
    assert!(
        got.contains(&("MULE_KEY", "abcd1234", true, 2, 8)),
        "{got:?}"
    );
}
/// The `-D` definitions read from `text` in a generic text file, as
/// (name, value, line, column).
fn generic_defines(text: &str, path: &str) -> Vec<(String, String, u32, u32)> {
    defined_in(text, path, AssignmentStyle::Generic)
        .into_iter()
        .map(|(name, value, _, line, column)| (name, value, line, column))
        .collect()
}

fn defined(text: &str, style: AssignmentStyle) -> Vec<(String, String, bool, u32, u32)> {
    defined_in(text, "x", style)
}

/// The definitions read from `text` at `path` as (name, value, secret,
/// line, column).
fn defined_in(
    text: &str,
    path: &str,
    style: AssignmentStyle,
) -> Vec<(String, String, bool, u32, u32)> {
    let (f, _) = scan(
        text,
        path,
        TextKind {
            assignments: style,
            comments: CommentSyntax::Any,
        },
    );
    f.assignments
        .iter()
        .map(|a| {
            (
                a.name.to_string(),
                a.value.to_string(),
                a.secret,
                a.location.line,
                a.location.column,
            )
        })
        .collect()
}

/// Long options named like a secret and the secret fields of a
/// form-encoded body, in a script or a CI file; a value after a space
/// only when it is quoted or looks like a secret (a bare flag such as
/// `mysql --password` prompts, and the next word is an operand); options
/// that name where the secret is, or turn it off, are not secrets.
#[test]
fn command_line_options_and_form_fields() {
    let text = "\
anypoint-cli-v4 deploy --client_id c1 --client_secret 9D8c7B6a5F4e3D2c orders.jar
anypoint-cli --username=deployer --password='Depl0y-Pa55!' list
curl -d \"grant_type=password&client_id=c&client_secret=A1B2&password=Pw-1\" https://login.salesforce.com/services/oauth2/token
curl --data-urlencode 'api_key=K-77' https://erp.acme.internal
mysql -u root --password orders
docker login -u ci --password-stdin registry.acme.com
tool --password $PW --client_secret ${{ secrets.CS }} --token-file ./t --no-password orders-2024
tool --password release-2024.jar --password=\"$(vault read x)\"
curl -u svc:Basic-Pa55-77 https://erp --user \"deploy:$NEXUS_PW\"
docker login -u ci registry.acme.com
";
    let (f, _) = scan(
        text,
        ".github/deploy.sh",
        TextKind {
            assignments: AssignmentStyle::Shell,
            comments: CommentSyntax::Any,
        },
    );
    let got: Vec<_> = f
        .assignments
        .iter()
        .map(|a| {
            (
                &*a.name,
                &*a.value,
                a.form,
                a.location.line,
                a.location.column,
            )
        })
        .collect();
    use DefinitionForm::{BasicAuthOption, CommandOption, FormField, PasswordGrantField};
    assert_eq!(
        got,
        vec![
            ("--client_secret", "9D8c7B6a5F4e3D2c", CommandOption, 1, 39),
            ("--password", "Depl0y-Pa55!", CommandOption, 2, 34),
            ("client_secret", "A1B2", PasswordGrantField, 3, 42),
            ("password", "Pw-1", PasswordGrantField, 3, 61),
            ("api_key", "K-77", FormField, 4, 24),
            ("-u password", "Basic-Pa55-77", BasicAuthOption, 9, 6),
        ]
    );
}

/// A script's header declares (`var` lines before `---`, with a string
/// literal and a secret name), and so does the header of a `do` block
/// in its body; other body lines do not. A script without `---` has no
/// header.
#[test]
fn dataweave_header_variables() {
    let script = "%dw 2.0\n  var apiKey = \"k-1\"\nvar region = \"emea\"\n%var token: String = 'tk-2'\nvar secret = p('secure::s')\n---\nvar password = \"body\"\n";
    let got: Vec<(&str, String, usize)> = dataweave_variables(script);
    assert_eq!(
        got,
        vec![
            ("apiKey", "k-1".to_string(), script.find("apiKey").unwrap()),
            ("token", "tk-2".to_string(), script.find("token").unwrap()),
        ]
    );
    assert!(dataweave_variables("%dw 2.0\nvar apiKey = \"k-1\"\n").is_empty());
    let with_do = "%dw 2.0\nfun login() = do {\n  var clientSecret = \"in-a-function\"\n  ---\n  1\n}\nvar apiKey = \"after-a-function\"\n---\n{\n  auth: do {\n    var clientSecret = \"cs-3\"\n    var tenant = \"acme\"\n    ---\n    { secret: clientSecret, note: \"var password = 'x'\" }\n  },\n  undo: redo {\n    var password = \"not-a-block\"\n  }\n}\n";
    let at = with_do.find("clientSecret = \"cs-3").unwrap();
    assert_eq!(
        dataweave_variables(with_do),
        vec![
            (
                "clientSecret",
                "in-a-function".to_string(),
                with_do.find("clientSecret").unwrap()
            ),
            (
                "apiKey",
                "after-a-function".to_string(),
                with_do.find("apiKey").unwrap()
            ),
            ("clientSecret", "cs-3".to_string(), at),
        ]
    );
}

#[test]
fn dockerfile_env_and_arg() {
    let text = [
        "FROM eclipse-temurin:17-jre",
        "ENV MULE_ENCRYPTION_KEY=Zx9Q2mB7Lk4Vt8Rw",
        "arg SFDC_PASSWORD=\"Hunter2 Hunter2\"",
        "ENV sfdc.password Hunter3Hunter3!",
        "ENV MULE_ENV=prod \\",
        "    MULE_KEY='k3y=with=equals' \\",
        "    HTTP_PORT=8081",
        "ARG BUILD_NUMBER",
        "RUN echo ENV NOT_THIS=1 && curl -u x:y https://example.com",
        "COPY app.jar /opt/mule/apps/",
    ]
    .join("\n");
    let text = text.as_str();
    let got = defined(text, AssignmentStyle::Dockerfile);
    let want: Vec<(String, String, bool, u32, u32)> = [
        ("MULE_ENCRYPTION_KEY", "Zx9Q2mB7Lk4Vt8Rw", true, 2, 5),
        ("SFDC_PASSWORD", "Hunter2 Hunter2", true, 3, 5),
        ("sfdc.password", "Hunter3Hunter3!", true, 4, 5),
        ("MULE_ENV", "prod", false, 5, 5),
        ("MULE_KEY", "k3y=with=equals", true, 6, 5),
        ("HTTP_PORT", "8081", false, 7, 5),
    ]
    .iter()
    .map(|(n, v, s, l, c)| (n.to_string(), v.to_string(), *s, *l, *c))
    .collect();
    assert_eq!(got, want);
}

/// Docker removes comment lines (and, with a warning, empty lines) inside
/// an instruction continued with `\\` before it reads it: the pairs after
/// them are still the instruction's. A comment there (a note, an
/// `intguard-ignore` above the pair it is about) hid the pairs after it.
#[test]
fn dockerfile_comment_and_empty_lines_inside_a_continued_env() {
    let text = [
        "ENV LEGACY_SHARE_USER=svc_legacysync \\",
        "# intguard-ignore IG102: share decommissioned",
        "    LEGACY_SHARE_PASSWORD=Cr1mShare-2019! \\",
        "",
        "  # the port",
        "    HTTP_PORT=8081",
        "# not continued: a comment line ends no instruction, this is one",
        "NOT_AN_ENV=1",
    ]
    .join("\n");
    let got: Vec<(&str, String)> = dockerfile_variables(&text)
        .into_iter()
        .map(|(n, v, _)| (n, v))
        .collect();
    assert_eq!(
        got,
        vec![
            ("LEGACY_SHARE_USER", "svc_legacysync".to_string()),
            ("LEGACY_SHARE_PASSWORD", "Cr1mShare-2019!".to_string()),
            ("HTTP_PORT", "8081".to_string()),
        ]
    );
}

/// Escapes and quotes around characters of any length, at the end of
/// a line, in odd places: read, never a panic.
#[test]
fn dockerfile_odd_values_do_not_panic() {
    for text in [
        "ENV A=\\é B=ü\\ C=\"ß\nENV D='x",
        "ENV K=\\",
        "ENV \\\n",
        "ARG =\nENV ==\nENV é=1 ß\n",
        "ENV P=a\\ b\\\"c SECRET_KEY=v\u{2003}w",
    ] {
        let _ = dockerfile_variables(text);
    }
    let got = dockerfile_variables("ENV MULE_KEY=k\\é1 X=y");
    assert_eq!(got[0].1, "ké1");
    assert_eq!(got[1].1, "y");
}

#[test]
fn kubernetes_env_lists() {
    let text = [
        "spec:",
        "  containers:",
        "    - name: orders-sapi",
        "      env:",
        "        - name: MULE_ENV",
        "          value: prod",
        "        - name: MULE_ENCRYPTION_KEY",
        "          # the key, for now",
        "          value: \"Pq7Wm2Xk9Lr4Tz6N\"",
        "        - name: SFDC_TOKEN",
        "          valueFrom:",
        "            secretKeyRef:",
        "              name: sfdc",
        "              key: token",
        "        - name: SFDC_PASSWORD",
        "        - name: NEXT",
        "          value: S3cr3tPassw0rd!",
        "        - name: \"SFDC_CLIENT_SECRET\"",
        "          value: 'Cl13ntS3cr3t'",
    ]
    .join("\n");
    let text = text.as_str();
    let got = defined(text, AssignmentStyle::Generic);
    // At the value's line; a value taken from a Secret, or one that
    // belongs to the next item, is none.
    assert_eq!(
        got,
        [
            (
                "MULE_ENCRYPTION_KEY".to_string(),
                "Pq7Wm2Xk9Lr4Tz6N".to_string(),
                true,
                9,
                11
            ),
            (
                "SFDC_CLIENT_SECRET".to_string(),
                "Cl13ntS3cr3t".to_string(),
                true,
                19,
                11
            ),
        ]
    );
}

#[test]
fn mule_wrapper_defines() {
    let text = "$MULE_HOME/bin/mule -M-Dmule.env=prod -M-Dmule.key=k3y start\n<a value=\"-M-Dx.key=v\"/>\n";
    let got = generic_defines(text, "run.sh");
    let got: Vec<_> = got
        .iter()
        .map(|(n, v, l, c)| (n.as_str(), v.as_str(), *l, *c))
        .collect();
    assert_eq!(
        got,
        vec![
            ("mule.env", "prod", 1, 21),
            ("mule.key", "k3y", 1, 39),
            ("x.key", "v", 2, 11),
        ]
    );
}

/// Found by review: in Markdown, a command in backticks ended its value
/// with the closing backtick (`Zq…(17)` for a 16-character key: wrong
/// fingerprint, and IG104 tried the wrong key).
#[test]
fn backticks_end_a_define() {
    let text =
        "Run `mvn -Dsecure.key=AbcdEfgh12345678` then `mule -M-Dmule.key=B1234567` (`-Dx.key=v`)\n";
    let got = generic_defines(text, "README.md");
    let got: Vec<_> = got
        .iter()
        .map(|(n, v, _, _)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("secure.key", "AbcdEfgh12345678"),
            ("mule.key", "B1234567"),
            ("x.key", "v"),
        ]
    );
}

/// The string a script evaluates to when its body is one literal: after the
/// header's `---`, or the whole script; at the opening quote.
#[test]
fn literal_scripts_are_one_string_after_the_header() {
    use super::literal_script;
    let with_header = "%dw 2.0\noutput application/java\n---\n\"Pw-1\"";
    assert_eq!(literal_script(with_header), Some(("Pw-1".to_string(), 36)));
    assert_eq!(literal_script("  'Key-2' "), Some(("Key-2".to_string(), 2)));
    for not_literal in [
        "p('secure::x')",
        "\"Bearer \" ++ vars.token",
        "\"a $(vars.b)\"",
        "\"\"",
        "%dw 2.0\n---\nvars.x",
        "\"multi\nline\"",
    ] {
        assert_eq!(literal_script(not_literal), None, "{not_literal}");
    }
}

/// Found by testing: a JSON object written on one line (a structured log's
/// entry, a minified file) set its secret members unseen, so a snippet that
/// showed the line for a token beside them printed them in clear.
#[test]
fn secret_members_of_one_line_json_objects() {
    let text = r#"{"level":"DEBUG","request":{"username":"int@acme.com","password":"Json-Log-Pass-4417","client_secret":"{{secret}}"},"apiKey":"k-123456"}
{"level":"INFO","msg":"password: see vault"}
"#;
    let (f, _) = scan(text, "sync-api.log", GENERIC);
    let got: Vec<(&str, &str, u32, u32)> = f
        .assignments
        .iter()
        .map(|a| (&*a.name, &*a.value, a.location.line, a.location.column))
        .collect();
    assert_eq!(
        got,
        vec![
            ("password", "Json-Log-Pass-4417", 1, 56),
            ("apiKey", "k-123456", 1, 118)
        ]
    );
}

/// Found by testing: a token shortened in a document (`00D...!AQxyz...`,
/// `5Aep861...…`) was reported as a committed token, though what is left of
/// it logs in nowhere. A whole token at the end of a sentence still counts.
#[test]
fn elided_tokens_are_no_tokens() {
    let whole = "00D5g00000Orlaw!AQlXaI.FcHHC5uAIO9yblhFVb8lwH3RzK6LbcfBMGpurD3QCExlw32T2qVRJ";
    let text = format!(
        "token was 00D5g00000Orlaw!AQlXaI.FcHHC5uAIO9yblhFVb... (truncated)\n\
         middle: 00D5g00000Orlaw!AQlXaI.FcHHC5uAIO...lw32T2qVRJXp939SbEGo8\n\
         unicode: 00D5g00000Orlaw!AQlXaI.FcHHC5uAIO9yblhFVb8l\u{2026}\n\
         refresh: 5Aep861Rufo5W4zeONcjQUPStrleJ3uA4KAXROL18bzsJqHs9f3NlTN6jIy7AloF...\n\
         The session id is {whole}.\n"
    );
    let (f, _) = scan(&text, "notes.md", GENERIC);
    let got: Vec<(u32, &str)> = f
        .tokens
        .iter()
        .map(|t| (t.location.line, t.value.as_str()))
        .collect();
    assert_eq!(got, vec![(5, whole)]);
}

/// Windows scripts set their variables their own way (a batch file's `set
/// NAME=value`, `set "NAME=value"`, any case; PowerShell's `$env:NAME =
/// "value"` and `$Name = "value"`, read with its other lines, a JSON body in
/// a here-string too), and a checkout on Windows ends every line with CRLF:
/// each is read as the `.sh` form is, at the name, without the `\r`. A
/// PowerShell value not in quotes is an expression or a command, no literal.
#[test]
fn windows_script_assignments_and_crlf_lines() {
    let shell = TextKind {
        assignments: AssignmentStyle::Shell,
        comments: CommentSyntax::Any,
    };
    let bat = "@echo off\r\nset SF_PASSWORD=Sup3rS3cretPw!\r\nset \"ANYPOINT_PASSWORD=Anyp0int Pass#1\"\r\nSET MULE_KEY=MyMul3EncKey1234\r\nrem set OLD_PASSWORD=x\r\nset API_TOKEN=%API_TOKEN%\r\n";
    let ps1 = "$env:SF_PASSWORD = \"PsPa55word!\"\r\n$SfPassword = 'PsPa55word-2'\r\n# $env:OLD = \"x\"\r\n$env:API_TOKEN = \"$($cfg.token)\"\r\n$password = Read-Host -AsSecureString\r\n$ApiSecret = Get-Secret\r\n$body = @\"\r\n{\r\n  \"client_secret\": \"Cs-9876543\",\r\n}\r\n\"@\r\n";
    let sh = "#!/bin/sh\r\nexport SF_PASSWORD=Sup3rS3cretPw!\r\nMULE_KEY=MyMul3EncKey1234\r\n";
    let got = defined_in(bat, "deploy.bat", AssignmentStyle::Shell);
    assert_eq!(
        got,
        [
            ("SF_PASSWORD".into(), "Sup3rS3cretPw!".into(), true, 2, 5),
            (
                "ANYPOINT_PASSWORD".into(),
                "Anyp0int Pass#1".into(),
                true,
                3,
                6
            ),
            ("MULE_KEY".into(), "MyMul3EncKey1234".into(), true, 4, 5),
        ]
    );
    let got = defined_in(ps1, "deploy.ps1", AssignmentStyle::Generic);
    assert_eq!(
        got,
        [
            ("SF_PASSWORD".into(), "PsPa55word!".into(), true, 1, 6),
            ("SfPassword".into(), "PsPa55word-2".into(), true, 2, 2),
            ("client_secret".into(), "Cs-9876543".into(), true, 9, 4),
        ]
    );
    let got = defined_in(sh, "deploy.sh", AssignmentStyle::Shell);
    assert_eq!(
        got,
        [
            ("SF_PASSWORD".into(), "Sup3rS3cretPw!".into(), true, 2, 8),
            ("MULE_KEY".into(), "MyMul3EncKey1234".into(), true, 3, 1),
        ]
    );
    // The whole file the same way, LF or CRLF.
    let (lf, _) = scan(&bat.replace("\r\n", "\n"), "deploy.bat", shell);
    let (crlf, _) = scan(bat, "deploy.bat", shell);
    assert_eq!(name_value_pairs(&lf), name_value_pairs(&crlf));
}

/// PowerShell sends a form-encoded body with `Invoke-RestMethod -Body`
/// (any case): its secret fields are read as curl's `-d` fields are, the
/// password of a `grant_type=password` login as such.
#[test]
fn powershell_body_form_fields() {
    let ps1 = "$r = Invoke-RestMethod -Method Post -Uri $url -Body \"grant_type=password&client_id=3MVG9abc&client_secret=Cs998877665544&username=int@acme.example&password=PwLogin2024x\"\r\nInvoke-WebRequest -Uri $u -body 'api_key=K-7766554433'\r\nInvoke-RestMethod -Uri $u -Body $body\r\n";
    let (f, _) = scan(ps1, "login.ps1", GENERIC);
    let got: Vec<_> = f
        .assignments
        .iter()
        .map(|a| (&*a.name, &*a.value, a.form, a.location.line))
        .collect();
    assert_eq!(
        got,
        [
            (
                "client_secret",
                "Cs998877665544",
                DefinitionForm::PasswordGrantField,
                1
            ),
            (
                "password",
                "PwLogin2024x",
                DefinitionForm::PasswordGrantField,
                1
            ),
            ("api_key", "K-7766554433", DefinitionForm::FormField, 2),
        ]
    );
}

/// PowerShell hashtables written on one line (`@{ password = "..." }`, a
/// login body `@{grant_type="password"; client_secret="..."}`): each entry
/// whose key names a secret and whose value is quoted, at its key, LF or
/// CRLF; an expression (`$env:PW`, `(Get-Secret ...)`, a nested hashtable)
/// is no literal, an entry on a line of its own is read once, and a file
/// without `@{` is not searched for them.
#[test]
fn powershell_one_line_hashtables() {
    let ps1 = "$cred = @{ username = \"int@acme.com\"; password = \"Hash-Pw-2024!\" }\r\n$body = @{grant_type=\"password\"; client_secret=\"Cs-55443322\"; 'api_key' = 'It''s-Key-9'}\r\n$x = @{ password = $env:PW; token = (Get-Secret sf); opts = @{ a = 1 }; secret = \"Nested-Sec-77\" }\r\n$h = @{\r\n  password = \"Own-Line-Pw1\"\r\n}\r\n";
    let got = defined_in(ps1, "login.ps1", AssignmentStyle::Generic);
    assert_eq!(
        got,
        [
            ("password".into(), "Own-Line-Pw1".into(), true, 5, 3),
            ("password".into(), "Hash-Pw-2024!".into(), true, 1, 39),
            ("client_secret".into(), "Cs-55443322".into(), true, 2, 34),
            ("api_key".into(), "It's-Key-9".into(), true, 2, 64),
            ("secret".into(), "Nested-Sec-77".into(), true, 3, 73),
        ]
    );
    let lf = defined_in(
        &ps1.replace("\r\n", "\n"),
        "login.ps1",
        AssignmentStyle::Generic,
    );
    assert_eq!(lf, got);
    // Not a hashtable: `password = "..."` after other text on a line.
    let other = "Write-Host \"x\"; password = \"NotRead-123\"\r\n";
    assert!(defined_in(other, "login.ps1", AssignmentStyle::Generic).is_empty());
}

/// A line of many nested `@{` (a crafted file) is read in time linear in
/// its length: each hashtable is read to a bound, not to the line's end.
#[test]
fn many_nested_hashtables_on_one_line_are_read_quickly() {
    let line = format!("$x = {}\n", "@{a={".repeat(50_000));
    let started = std::time::Instant::now();
    let got = defined_in(&line, "x.ps1", AssignmentStyle::Generic);
    assert!(got.is_empty());
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}
