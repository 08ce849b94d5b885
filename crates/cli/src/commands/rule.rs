use clap::Args;
use intguard_rules::{all_rules, find_rule};

use crate::exit;

#[derive(Args)]
pub struct RuleArgs {
    /// Rule id (IG101) or name (password-auth); omit to list every rule.
    rule: Option<String>,
}

pub fn run(args: RuleArgs) -> i32 {
    match args.rule {
        None => {
            let mut practice = None;
            for rule in all_rules() {
                let m = rule.meta();
                if practice != Some(m.practice) {
                    println!(
                        "{}{}",
                        if practice.is_some() { "\n" } else { "" },
                        m.practice.title()
                    );
                    practice = Some(m.practice);
                }
                println!(
                    "  {}  {:<32} {:<8} {}",
                    m.id,
                    m.name,
                    m.default_severity.as_str(),
                    m.summary
                );
            }
            println!("\nRun `intguard rule <ID or name>` for a rule's documentation.");
            exit::OK
        }
        Some(wanted) => match find_rule(&wanted) {
            Some(rule) => {
                let m = rule.meta();
                println!("# {} {}", m.id, m.name);
                println!();
                println!(
                    "Practice: {}. Default severity: {}.",
                    m.practice.title(),
                    m.default_severity
                );
                println!();
                println!("{}", m.summary);
                println!();
                println!("{}", m.doc.trim_end());
                exit::OK
            }
            None => exit::usage_error(format!(
                "no rule {wanted:?}; `intguard rule` lists them all"
            )),
        },
    }
}
