//! `textDocument/codeAction`: the findings' suggestions as quick fixes, the machine-applicable
//! ones first, and a comment that suppresses the finding, with a reason to fill in.

use super::convert::{self, Lines};
use crate::suppress::{INVALID_SUPPRESSION, MARKER, UNUSED_SUPPRESSION};
use appstract_lints::{Applicability, Diagnostic, Level};
use lsp_types as lsp;
use std::collections::HashMap;
use std::path::Path;

/// What the suppression comment says in place of a reason, for the user to replace.
pub const REASON_PLACEHOLDER: &str = "<reason>";

/// The actions for the findings of a file whose primary range touches `requested`.
pub fn code_actions(
    uri: &lsp::Uri,
    text: &str,
    findings: &[Diagnostic],
    requested: lsp::Range,
    base: &Path,
    repository: Option<&str>,
) -> Vec<lsp::CodeActionOrCommand> {
    let lines = Lines::new(text);
    let mut fixes: Vec<(u8, lsp::CodeAction)> = Vec::new();
    let mut suppressions = Vec::new();
    for finding in findings {
        let range = lines.range(&finding.primary.range);
        if range.end < requested.start || requested.end < range.start {
            continue;
        }
        let shown = convert::diagnostic(finding, &lines, uri, base, repository);
        for suggestion in &finding.suggestions {
            let edits = suggestion
                .edits
                .iter()
                .map(|edit| lsp::TextEdit {
                    range: lines.range(&edit.range),
                    new_text: edit.replacement.clone(),
                })
                .collect();
            let machine = suggestion.applicability == Applicability::MachineApplicable;
            let rank = match suggestion.applicability {
                Applicability::MachineApplicable => 0,
                Applicability::MaybeIncorrect => 1,
                Applicability::HasPlaceholders => 2,
                Applicability::Unspecified => 3,
            };
            fixes.push((
                rank,
                action(&suggestion.message, uri, edits, &shown, machine),
            ));
        }
        if let Some(edit) = suppression(finding, text, &lines) {
            let title = format!("Suppress `{}` here with a comment", finding.code);
            suppressions.push(action(&title, uri, vec![edit], &shown, false));
        }
    }
    // Stable: within a rank, in the order of the findings and their suggestions.
    fixes.sort_by_key(|(rank, _)| *rank);
    fixes
        .into_iter()
        .map(|(_, action)| action)
        .chain(suppressions)
        .map(lsp::CodeActionOrCommand::CodeAction)
        .collect()
}

fn action(
    title: &str,
    uri: &lsp::Uri,
    edits: Vec<lsp::TextEdit>,
    diagnostic: &lsp::Diagnostic,
    preferred: bool,
) -> lsp::CodeAction {
    lsp::CodeAction {
        title: title.to_string(),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..lsp::WorkspaceEdit::default()
        }),
        command: None,
        is_preferred: preferred.then_some(true),
        disabled: None,
        data: None,
    }
}

/// `// appstract-lint: allow(<lint>) -- <reason>` on a line of its own above the finding's
/// line, indented as it is: it covers that line and the statement or item starting there.
/// None for what no comment can suppress: the tool's problems, and `forbid` findings.
fn suppression(finding: &Diagnostic, text: &str, lines: &Lines<'_>) -> Option<lsp::TextEdit> {
    if finding.level == Level::Forbid
        || crate::config::find_any_lint(finding.code).is_none()
        || [UNUSED_SUPPRESSION.name, INVALID_SUPPRESSION.name].contains(&finding.code)
    {
        return None;
    }
    let line = lines.position(finding.primary.range.start).line;
    let start = lines.offset(lsp::Position::new(line, 0));
    let indent: String = text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let at = lsp::Position::new(line, 0);
    Some(lsp::TextEdit {
        range: lsp::Range::new(at, at),
        new_text: format!(
            "{indent}// {MARKER} allow({}) -- {REASON_PLACEHOLDER}\n",
            finding.code
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use appstract_lints::{Edit, Label, Suggestion};

    #[test]
    fn fixes_come_machine_applicable_first_then_the_suppression() {
        let text = "fn main() {\n    let x = f();\n}\n";
        let start = text.find("f()").unwrap();
        let suggestion = |message: &str, applicability| Suggestion {
            message: message.to_string(),
            edits: vec![Edit {
                range: start..start + 3,
                replacement: "g()".to_string(),
            }],
            applicability,
        };
        let finding = Diagnostic::new(
            "detached_spawn",
            Level::Warn,
            "lost",
            Label::new(start..start + 3, ""),
        )
        .with_suggestion(suggestion("maybe", Applicability::MaybeIncorrect))
        .with_suggestion(suggestion("surely", Applicability::MachineApplicable));
        let uri = convert::uri("file:///ws/src/main.rs").unwrap();
        let everywhere = lsp::Range::new(lsp::Position::new(0, 0), lsp::Position::new(9, 0));
        let actions = code_actions(
            &uri,
            text,
            std::slice::from_ref(&finding),
            everywhere,
            Path::new("/ws"),
            None,
        );
        let titles: Vec<(String, Option<bool>)> = actions
            .iter()
            .map(|action| match action {
                lsp::CodeActionOrCommand::CodeAction(action) => {
                    (action.title.clone(), action.is_preferred)
                }
                lsp::CodeActionOrCommand::Command(_) => panic!("a command"),
            })
            .collect();
        assert_eq!(
            titles,
            [
                ("surely".to_string(), Some(true)),
                ("maybe".to_string(), None),
                (
                    "Suppress `detached_spawn` here with a comment".to_string(),
                    None
                ),
            ]
        );
        let lsp::CodeActionOrCommand::CodeAction(suppress) = &actions[2] else {
            unreachable!()
        };
        let edits = &suppress.edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri];
        assert_eq!(
            edits[0].new_text,
            "    // appstract-lint: allow(detached_spawn) -- <reason>\n"
        );
        assert_eq!(edits[0].range.start, lsp::Position::new(1, 0));

        // Elsewhere in the file: nothing.
        let elsewhere = lsp::Range::new(lsp::Position::new(2, 0), lsp::Position::new(2, 1));
        assert!(code_actions(&uri, text, &[finding], elsewhere, Path::new("/ws"), None).is_empty());
    }

    #[test]
    fn problems_and_forbidden_findings_are_not_suppressed() {
        let lines = Lines::new("x");
        let problem = Diagnostic::new("syntax_error", Level::Deny, "no", Label::new(0..1, ""));
        assert!(suppression(&problem, "x", &lines).is_none());
        let forbidden =
            Diagnostic::new("detached_spawn", Level::Forbid, "no", Label::new(0..1, ""));
        assert!(suppression(&forbidden, "x", &lines).is_none());
    }
}
