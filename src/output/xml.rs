//! JUnit and Checkstyle XML, for CI systems that show test reports or checkstyle results.

use super::common::{full_message, position, xml_escape as esc};
use super::{Emitter, LineIndex};
use crate::driver::Report;
use std::io::{self, Write};

/// JUnit XML: one test suite per file, one test case per finding (a file without findings is
/// one passing test case). As CI test viewers (GitLab, Jenkins) read it, only what fails the
/// run fails a test: an error-level finding is a `<failure>`, an internal error an `<error>`,
/// and a warning is a passing test case whose `<system-out>` holds it.
pub struct Junit<W> {
    writer: W,
}

impl<W: Write> Junit<W> {
    pub fn new(writer: W) -> Junit<W> {
        Junit { writer }
    }
}

/// How JUnit counts a finding.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Passed,
    Failure,
    Error,
}

fn outcome(finding: &appstract_lints::Diagnostic) -> Outcome {
    if finding.code == crate::isolate::INTERNAL_ERROR {
        Outcome::Error
    } else if finding.level.is_error() {
        Outcome::Failure
    } else {
        Outcome::Passed
    }
}

impl<W: Write> Emitter for Junit<W> {
    fn emit(&mut self, report: &Report) -> io::Result<()> {
        let counted = |wanted: Outcome| {
            report
                .findings()
                .filter(|(_, finding)| outcome(finding) == wanted)
                .count()
        };
        let total: usize = report
            .files
            .iter()
            .map(|file| file.findings.len().max(1))
            .sum();
        let (failures, errors) = (counted(Outcome::Failure), counted(Outcome::Error));
        let w = &mut self.writer;
        writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            w,
            r#"<testsuites name="appstract-lint" tests="{total}" failures="{failures}" errors="{errors}">"#
        )?;
        for file in &report.files {
            let name = esc(&file.display);
            let lines = LineIndex::new(file.source.as_deref().unwrap_or(""));
            let of_file = |wanted: Outcome| {
                file.findings
                    .iter()
                    .filter(|finding| outcome(finding) == wanted)
                    .count()
            };
            writeln!(
                w,
                r#"  <testsuite name="{name}" tests="{}" failures="{}" errors="{}">"#,
                file.findings.len().max(1),
                of_file(Outcome::Failure),
                of_file(Outcome::Error),
            )?;
            if file.findings.is_empty() {
                writeln!(
                    w,
                    r#"    <testcase name="appstract-lint" classname="{name}"/>"#
                )?;
            }
            for finding in &file.findings {
                let at = position(file, &lines, &finding.primary.range);
                let (line, column) = at.map_or((1, 1), |at| (at.line_start, at.column_start));
                writeln!(
                    w,
                    r#"    <testcase name="{}" classname="{name}" file="{name}" line="{line}">"#,
                    esc(&format!("appstract-lint.{}", finding.code)),
                )?;
                let text = esc(&format!(
                    "{}:{line}:{column}: {}[{}]: {}",
                    file.display,
                    finding.level.severity(),
                    finding.code,
                    full_message(finding)
                ));
                let element = match outcome(finding) {
                    Outcome::Passed => {
                        writeln!(w, "      <system-out>{text}</system-out>")?;
                        None
                    }
                    Outcome::Failure => Some("failure"),
                    Outcome::Error => Some("error"),
                };
                if let Some(element) = element {
                    writeln!(
                        w,
                        r#"      <{element} message="{}" type="{}">{text}</{element}>"#,
                        esc(&finding.message),
                        finding.level.severity(),
                    )?;
                }
                writeln!(w, "    </testcase>")?;
            }
            writeln!(w, "  </testsuite>")?;
        }
        writeln!(w, "</testsuites>")?;
        w.flush()
    }
}

/// Checkstyle XML: a `<file>` per linted file, an `<error>` per finding.
pub struct Checkstyle<W> {
    writer: W,
}

impl<W: Write> Checkstyle<W> {
    pub fn new(writer: W) -> Checkstyle<W> {
        Checkstyle { writer }
    }
}

impl<W: Write> Emitter for Checkstyle<W> {
    fn emit(&mut self, report: &Report) -> io::Result<()> {
        let w = &mut self.writer;
        writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(w, r#"<checkstyle version="4.3">"#)?;
        for file in &report.files {
            let lines = LineIndex::new(file.source.as_deref().unwrap_or(""));
            writeln!(w, r#"  <file name="{}">"#, esc(&file.display))?;
            for finding in &file.findings {
                let at = position(file, &lines, &finding.primary.range);
                let (line, column) = at.map_or((1, 1), |at| (at.line_start, at.column_start));
                writeln!(
                    w,
                    r#"    <error line="{line}" column="{column}" severity="{}" message="{}" source="{}"/>"#,
                    finding.level.severity(),
                    esc(&full_message(finding)),
                    esc(&format!("appstract-lint.{}", finding.code)),
                )?;
            }
            writeln!(w, "  </file>")?;
        }
        writeln!(w, "</checkstyle>")?;
        w.flush()
    }
}
