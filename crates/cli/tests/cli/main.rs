//! End-to-end tests of the `intguard` binary, one module per command or concern,
//! built as one test binary (a dozen binaries each linked the whole tree again).

mod auth_server;
/// The org tests' simulated org, with salesforce-auth's test PKI and HTTPS
/// server (`sim::https`, on which the `token` tests' token endpoint runs too).
#[path = "../../../org/tests/sim/mod.rs"]
mod sim;
use sim::https;
mod support;

mod bad_input;
mod byte_order_mark;
mod ci_history;
mod closed_pipe;
mod control;
mod example_expected;
mod exit_codes;
mod fix_cmd;
mod fix_jwt_cmd;
mod fix_permissions_cmd;
mod fix_texts;
mod formats;
mod http_bodies;
mod identities_cmd;
mod keys_cmd;
mod line_ends;
mod long_lines;
mod monorepo;
mod org_cmd;
mod property_order;
mod readme;
mod rule_cmd;
mod secrets_never_printed;
mod secure_props_cmd;
mod token_cmd;
