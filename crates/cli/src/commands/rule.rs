use std::fmt::Write as _;

use clap::Args;
use intguard_rules::{all_rules, find_rule, similar_rules};

use crate::{exit, output};

#[derive(Args)]
pub struct RuleArgs {
    /// Rule id (IG101) or name (password-auth); omit to list every rule.
    rule: Option<String>,
}

/// `writeln!` into a String (infallible), so the whole text is written at
/// once ([`output::print`]: a closed pipe, `intguard rule | head`, is no error).
macro_rules! outln {
    ($out:ident) => {{
        $out.push('\n');
    }};
    ($out:ident, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}

pub fn run(args: RuleArgs) -> i32 {
    let mut out = String::new();
    let code = render(args, &mut out);
    match output::print(&out) {
        Ok(()) => code,
        Err(e) => exit::usage_error(format!("cannot write the rules: {e}")),
    }
}

fn render(args: RuleArgs, out: &mut String) -> i32 {
    match args.rule {
        None => {
            let mut practice = None;
            for rule in all_rules() {
                let m = rule.meta();
                if practice != Some(m.practice) {
                    outln!(
                        out,
                        "{}{}",
                        if practice.is_some() { "\n" } else { "" },
                        m.practice.title()
                    );
                    practice = Some(m.practice);
                }
                outln!(
                    out,
                    "  {}  {:<32} {:<8} {}",
                    m.id,
                    m.name,
                    m.default_severity.as_str(),
                    m.summary
                );
            }
            outln!(
                out,
                "\nRun `intguard rule <ID or name>` for a rule's documentation."
            );
            exit::OK
        }
        Some(wanted) => match find_rule(&wanted) {
            Some(rule) => {
                let m = rule.meta();
                outln!(out, "# {} {}", m.id, m.name);
                outln!(out);
                outln!(
                    out,
                    "Practice: {}. Default severity: {}.",
                    m.practice.title(),
                    m.default_severity
                );
                outln!(out);
                outln!(out, "{}", m.summary);
                outln!(out);
                outln!(out, "{}", m.doc.trim_end());
                exit::OK
            }
            None => {
                let near = similar_rules(&wanted);
                let hint = if near.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean {}?)", near.join(", "))
                };
                exit::usage_error(format!(
                    "no rule {wanted:?}{hint}; `intguard rule` lists them all"
                ))
            }
        },
    }
}
