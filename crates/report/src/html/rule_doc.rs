//! A rule's documentation (Markdown, the text `intguard rule ID` prints) as
//! HTML, with pulldown-cmark. Its headings move two levels down to sit under
//! the rule's own heading; raw HTML in it is shown as text and only web
//! links stay links, so the report holds no markup the reporter did not
//! write, whatever a documentation string says.

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

pub(crate) fn render(out: &mut String, markdown: &str) {
    let mut in_dropped_link = Vec::new();
    // Tables as `intguard rule` readers see them (IG302 lists its tiers in one).
    let events =
        Parser::new_ext(markdown, Options::ENABLE_TABLES).filter_map(|event| match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => Some(Event::Start(Tag::Heading {
                level: lower(level),
                id,
                classes,
                attrs,
            })),
            Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(lower(level)))),
            Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                let web = is_web(dest_url);
                in_dropped_link.push(!web);
                web.then_some(event)
            }
            Event::End(TagEnd::Link) => match in_dropped_link.pop() {
                Some(false) => Some(event),
                _ => None,
            },
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
            other => Some(other),
        });
    html::push_html(out, events);
}

fn is_web(url: &CowStr) -> bool {
    let url = url.trim_start().to_ascii_lowercase();
    url.starts_with("https://") || url.starts_with("http://")
}

fn lower(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        let mut out = String::new();
        render(&mut out, md);
        out
    }

    #[test]
    fn headings_sit_under_the_rule() {
        assert_eq!(
            html("## What it does\nFlags."),
            "<h4>What it does</h4>\n<p>Flags.</p>\n"
        );
    }

    #[test]
    fn code_is_escaped_and_raw_html_is_text() {
        let out = html("```xml\n<a x=\"1\"/>\n```\n\n<script>alert(1)</script>\n\nsee <b>x</b>");
        assert!(
            out.contains("<pre><code class=\"language-xml\">&lt;a x=\"1\"/&gt;\n</code></pre>"),
            "{out}"
        );
        assert!(!out.contains("<script") && !out.contains("<b>"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{out}"
        );
    }

    #[test]
    fn only_web_links_stay_links() {
        let out = html("[docs](https://help.salesforce.com/x) and [bad](javascript:alert(1)) ![i](https://x/i.png)");
        assert!(
            out.contains("<a href=\"https://help.salesforce.com/x\">docs</a>"),
            "{out}"
        );
        assert!(
            !out.contains("javascript") && !out.contains("<img"),
            "{out}"
        );
        assert!(out.contains(" and bad "), "{out}");
    }
}
