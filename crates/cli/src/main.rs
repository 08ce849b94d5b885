//! `intguard`: audit Mule applications and Salesforce configuration for
//! integration-user credential problems. This file only parses arguments and
//! dispatches; each command lives in `commands/`.

mod allocator;
mod commands;
mod exit;
mod output;
mod secret_input;

use clap::{Parser, Subcommand};

#[global_allocator]
static GLOBAL: allocator::Mimalloc = allocator::Mimalloc;

#[derive(Parser)]
#[command(
    name = "intguard",
    version,
    about = "Keeps Salesforce integration users locked down: audits Mule apps, Salesforce metadata and orgs",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan folders (one Mule app or a monorepo) for integration-credential problems.
    Scan(commands::scan::ScanArgs),
    /// Show a rule's documentation, or list every rule.
    Rule(commands::rule::RuleArgs),
    /// Show each integration user: why it is one, the apps and environments using it, its
    /// profile, permission sets, dangerous permissions, object access used vs granted, and the
    /// apps pre-authorizing it.
    Identities(commands::identities::IdentitiesArgs),
    /// Log in to Salesforce with the OAuth 2.0 JWT bearer flow (certificate, no password) and
    /// show the token's instance URL, identity and scopes.
    Token(Box<commands::token::TokenArgs>),
    /// Audit a live Salesforce org over its API (read-only), optionally saving a snapshot for
    /// `scan --org-snapshot`.
    Org(commands::org::OrgArgs),
    /// Make a key and certificate for the JWT bearer flow, or inspect certificate and keystore
    /// files.
    Keys(commands::keys::KeysArgs),
    /// Encrypt or decrypt Mule secure property values (`![...]`), as Mule does.
    SecureProps(commands::secure_props::SecurePropsArgs),
    /// Fix problems in place: `fix secrets` encrypts plaintext secrets (IG102) into secure
    /// properties, or re-encrypts them under a new key; `fix jwt` switches Salesforce
    /// password connections (IG101) to the JWT bearer flow; `fix permissions` writes
    /// least-privilege permission sets (IG301, IG302, IG304).
    Fix(commands::fix::FixArgs),
}

/// Prints clap's error (or help) and exits as clap does, except that the
/// words a `secure-props` command did not expect are not echoed: an unquoted
/// value (`encrypt my secret`) splits into words that are a secret's.
fn exit_on_parse_error(e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    let secret_words = matches!(
        e.kind(),
        ErrorKind::UnknownArgument | ErrorKind::TooManyValues
    ) && std::env::args().nth(1).as_deref() == Some("secure-props");
    if secret_words {
        eprintln!(
            "error: unexpected extra arguments to secure-props (not shown: they may be part of a secret); quote a value that holds spaces, or give values on standard input, one per line\n\nFor more information, try 'intguard secure-props --help'."
        );
        std::process::exit(exit::USAGE);
    }
    e.exit()
}

fn main() {
    allocator::return_freed_memory_soon();
    intguard_engine::set_memory_release(allocator::release_freed_memory);
    #[cfg(feature = "heap-accounting")]
    intguard_engine::set_heap_probe(allocator::accounting::live_and_peak);
    let cli = Cli::try_parse().unwrap_or_else(|e| exit_on_parse_error(e));
    let code = match cli.command {
        Command::Scan(args) => commands::scan::run(args),
        Command::Rule(args) => commands::rule::run(args),
        Command::Identities(args) => commands::identities::run(args),
        Command::Token(args) => commands::token::run(*args),
        Command::Org(args) => commands::org::run(args),
        Command::Keys(args) => commands::keys::run(args),
        Command::SecureProps(args) => commands::secure_props::run(args),
        Command::Fix(args) => commands::fix::run(args),
    };
    std::process::exit(code);
}
