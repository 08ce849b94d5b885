//! End-to-end tests of the `intguard` binary, one module per command or concern,
//! built as one test binary (a dozen binaries each linked the whole tree again).

mod auth_server;
/// salesforce-auth's test PKI and HTTPS server (the `token` tests' token endpoint runs on it).
#[path = "../../../salesforce-auth/tests/common/mod.rs"]
mod https;
#[path = "../../../org/tests/sim/mod.rs"]
mod sim;
mod support;

mod bad_input;
mod control;
mod example_expected;
mod exit_codes;
mod fix_cmd;
mod formats;
mod identities_cmd;
mod keys_cmd;
mod org_cmd;
mod rule_cmd;
mod secrets_never_printed;
mod secure_props_cmd;
mod token_cmd;
