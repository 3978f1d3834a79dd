//! Renders diagnostics rustc-style (`error[E0601]: ...`, ` --> file:line:col`, the
//! source line with a caret) through annotate-snippets. Only the edges call this.

use crate::{Diagnostic, Severity, SourceMap};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// Renders one diagnostic as plain text (no colour), ending in a newline.
pub fn render(map: &SourceMap, diag: &Diagnostic) -> String {
    let level = match diag.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let mut group = Group::with_title(level.primary_title(diag.message.as_str()).id(diag.code.id));
    // One snippet per file that a label points into, in label order.
    let mut files: Vec<crate::FileId> = Vec::new();
    for l in &diag.labels {
        if !files.contains(&l.span.file) {
            files.push(l.span.file);
        }
    }
    for file_id in files {
        let Some(file) = map.get(file_id) else {
            continue;
        };
        let len = file.text.len();
        // Only the lines the labels touch go to the renderer: handing it the whole
        // file made each diagnostic cost the file's size (thousands of errors in a big
        // file took minutes). Line numbers continue from the first line shown.
        let labels = diag.labels.iter().filter(|l| l.span.file == file_id);
        let lo = labels.clone().map(|l| l.span.start).min().unwrap_or(0);
        let hi = labels
            .clone()
            .map(|l| l.span.end.max(l.span.start))
            .max()
            .unwrap_or(0);
        let (first_line, _) = file.line_col(lo);
        let (last_line, _) = file.line_col(hi);
        let from = file.line_offset(first_line).min(len);
        let to = file.line_offset(last_line + 1).clamp(from, len);
        let text = file.text.get(from..to).unwrap_or("");
        let mut snippet = Snippet::source(text)
            .line_start(first_line as usize)
            .path(file.name.as_str());
        let len = text.len();
        for l in labels {
            let start = (l.span.start as usize).saturating_sub(from).min(len);
            let end = (l.span.end as usize).saturating_sub(from).clamp(start, len);
            let kind = if l.primary {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            snippet = snippet.annotation(kind.span(start..end).label(l.message.as_str()));
        }
        group = group.element(snippet);
    }
    let mut report = vec![group];
    for n in &diag.notes {
        report.push(Group::with_title(Level::NOTE.secondary_title(n.as_str())));
    }
    let mut out = Renderer::plain().render(&report).to_string();
    out.push('\n');
    out
}

/// Renders every diagnostic, separated by blank lines, with a closing count of errors.
pub fn render_all(map: &SourceMap, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&render(map, d));
        out.push('\n');
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    match errors {
        0 => {}
        1 => out.push_str("error: aborting due to 1 previous error\n"),
        n => out.push_str(&format!("error: aborting due to {n} previous errors\n")),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Span, codes};

    #[test]
    fn renders_location_caret_and_code() {
        let mut map = SourceMap::new();
        let f = map.add("prog.s", "r0 = 1\nfoo r1\nexit\n");
        let d = Diagnostic::error(codes::E_USAGE, "unknown mnemonic `foo`")
            .with_label(Span::new(f, 7, 10), "not an instruction");
        let text = render(&map, &d);
        assert!(
            text.contains("error[E0002]: unknown mnemonic `foo`"),
            "{text}"
        );
        assert!(text.contains("prog.s:2:1"), "{text}");
        assert!(text.contains("foo r1"), "{text}");
        assert!(text.contains("^^^"), "{text}");
    }
}
