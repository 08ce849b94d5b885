//! `intguard`: audit Mule applications and Salesforce configuration for
//! integration-user credential problems. This file only parses arguments and
//! dispatches; each command lives in `commands/`.

mod commands;
mod exit;
mod secret_input;

use clap::{Parser, Subcommand};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// properties, or re-encrypts them under a new key.
    Fix(commands::fix::FixArgs),
}

fn main() {
    no_transparent_huge_pages();
    return_freed_memory_soon();
    let cli = Cli::parse();
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

/// Makes mimalloc give freed memory back to the system after 10 ms instead
/// of its default 1 s. A scan frees its parsers' temporaries window after
/// window while it holds every app's facts; held for a second, those freed
/// pages were a quarter of the peak. Measured on the bench corpus (same
/// run, 6 rounds each): peak memory 156 -> 117 MB (2,000 apps) and 84 -> 66
/// MB (1,000 apps), wall and CPU time unchanged within the noise.
fn return_freed_memory_soon() {
    // SAFETY: mi_option_set stores an integer in mimalloc's option table; it
    // is meant to be called at any time from any thread.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10);
    }
}

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_e` (the Rust bindings
/// name only some options; a test checks the index against the option's
/// documented default).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Asks Linux not to back this process with transparent huge pages. mimalloc
/// requests them for its arenas, and a scan that lives a second or two pays
/// for them without gaining: each first touch zeroes 2 MiB, and freed memory
/// returned to the system is faulted and zeroed again. Measured on the bench
/// corpus: peak memory 193 -> 160 MB (2,000 apps) and 123 -> 87 MB (1,000
/// apps), system time on the smaller corpus 0.62 -> 0.36 s. A kernel without
/// the setting keeps its default.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory
    // of ours; its result is not needed (failure leaves the default).
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_delay_option_is_the_one_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reading and writing mimalloc's option table.
        let (before, after) = unsafe {
            let before = libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY);
            return_freed_memory_soon();
            (
                before,
                libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY),
            )
        };
        // 1000 ms is mimalloc 3's default purge delay; no other option
        // defaults to it.
        assert_eq!(
            before, 1000,
            "option {MI_OPTION_PURGE_DELAY} is not purge_delay"
        );
        assert_eq!(after, 10);
    }
}
