//! `intguard`: audit Mule applications and Salesforce configuration for
//! integration-user credential problems. This file only parses arguments and
//! dispatches; each command lives in `commands/`.

mod commands;
mod exit;

use clap::{Parser, Subcommand};

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
}

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Scan(args) => commands::scan::run(args),
        Command::Rule(args) => commands::rule::run(args),
    };
    std::process::exit(code);
}
