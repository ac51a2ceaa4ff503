//! A plotters drawing backend that writes PDF vector graphics (with `pdf-writer`), so
//! widget PDFs are drawn by the same code as their PNG and SVG images.
//!
//! Text uses the PDF standard fonts Helvetica and Helvetica-Bold (WinAnsi encoding):
//! nothing is embedded, text stays selectable and searchable, and Liberation Sans, which
//! measures the layout, is metrically compatible with Helvetica.

use std::convert::Infallible;

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use plotters::prelude::DrawingBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle,
};

/// Points per pixel of the drawing: a 1200 px wide widget becomes an A4-landscape-wide
/// page (842 pt).
const SCALE: f32 = 842.0 / 1200.0;

/// Liberation Sans's ascent as a share of plotters' pixel size (ascent − descent).
const ASCENT: f32 = 1854.0 / 2288.0;
/// Its em as a share of plotters' pixel size.
const EM: f32 = 2048.0 / 2288.0;

/// Vector drawing into one PDF page's content.
pub struct PdfBackend<'a> {
    size: (u32, u32),
    content: &'a mut Content,
}

/// A page's content, ready for a drawing of `size` pixels.
pub fn page_content(size: (u32, u32)) -> Content {
    let mut content = Content::new();
    // Plotters' pixels, y downwards, onto PDF points, y upwards.
    content.transform([SCALE, 0.0, 0.0, -SCALE, 0.0, size.1 as f32 * SCALE]);
    content
}

/// The one-page document of `content` (drawn at `size` pixels), titled `title`.
pub fn document(content: Content, size: (u32, u32), title: &str) -> Vec<u8> {
    {
        let catalog = Ref::new(1);
        let pages = Ref::new(2);
        let page = Ref::new(3);
        let contents = Ref::new(4);
        let regular = Ref::new(5);
        let bold = Ref::new(6);
        let info = Ref::new(7);
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(pages);
        pdf.pages(pages).kids([page]).count(1);
        let (w, h) = (size.0 as f32 * SCALE, size.1 as f32 * SCALE);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, w, h))
            .parent(pages)
            .contents(contents);
        p.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        p.finish();
        pdf.type1_font(regular)
            .base_font(Name(b"Helvetica"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.type1_font(bold)
            .base_font(Name(b"Helvetica-Bold"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.document_info(info)
            .title(TextStr(title))
            .producer(TextStr("Seller Insights Portal"));
        let data = content.finish();
        pdf.stream(contents, &data);
        pdf.finish()
    }
}

impl<'a> PdfBackend<'a> {
    /// Drawing of `size` pixels into `content` (from [`page_content`]).
    pub fn new(size: (u32, u32), content: &'a mut Content) -> Self {
        PdfBackend { size, content }
    }

    fn fill(&mut self, color: BackendColor) {
        let (r, g, b) = over_white(color);
        self.content.set_fill_rgb(r, g, b);
    }

    fn stroke_style<S: BackendStyle>(&mut self, style: &S) {
        let (r, g, b) = over_white(style.color());
        self.content
            .set_stroke_rgb(r, g, b)
            .set_line_width(style.stroke_width() as f32);
    }
}

/// A translucent colour as it looks over the white page (no transparency groups needed).
fn over_white(c: BackendColor) -> (f32, f32, f32) {
    let a = c.alpha.clamp(0.0, 1.0) as f32;
    let mix = |v: u8| 1.0 - a * (1.0 - f32::from(v) / 255.0);
    (mix(c.rgb.0), mix(c.rgb.1), mix(c.rgb.2))
}

/// Text in the WinAnsi encoding of the standard fonts; what it lacks becomes `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{A0}'..='\u{FF}' => c as u32 as u8,
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            '\u{2022}' => 0x95,
            '\u{2026}' => 0x85,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201C}' => 0x93,
            '\u{201D}' => 0x94,
            '\u{20AC}' => 0x80,
            _ => b'?',
        })
        .collect()
}

impl DrawingBackend for PdfBackend<'_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if color.alpha > 0.0 {
            self.fill(color);
            self.content
                .rect(point.0 as f32, point.1 as f32, 1.0, 1.0)
                .fill_nonzero();
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha > 0.0 {
            self.stroke_style(style);
            self.content
                .move_to(from.0 as f32, from.1 as f32)
                .line_to(to.0 as f32, to.1 as f32)
                .stroke();
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let (x, y) = (upper_left.0 as f32, upper_left.1 as f32);
        let (w, h) = (
            (bottom_right.0 - upper_left.0) as f32,
            (bottom_right.1 - upper_left.1) as f32,
        );
        if fill {
            self.fill(style.color());
            self.content.rect(x, y, w + 1.0, h + 1.0).fill_nonzero();
        } else {
            self.stroke_style(style);
            self.content.rect(x, y, w, h).stroke();
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.stroke_style(style);
        let mut first = true;
        for (x, y) in path {
            if first {
                self.content.move_to(x as f32, y as f32);
                first = false;
            } else {
                self.content.line_to(x as f32, y as f32);
            }
        }
        if !first {
            self.content.stroke();
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.fill(style.color());
        let mut first = true;
        for (x, y) in vert {
            if first {
                self.content.move_to(x as f32, y as f32);
                first = false;
            } else {
                self.content.line_to(x as f32, y as f32);
            }
        }
        if !first {
            self.content.close_path().fill_nonzero();
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        // Four Bézier quarter circles.
        let (cx, cy, r) = (center.0 as f32, center.1 as f32, radius as f32);
        let k = 0.552_284_8 * r;
        let c = &mut *self.content;
        c.move_to(cx + r, cy)
            .cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r)
            .cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy)
            .cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r)
            .cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy)
            .close_path();
        let (r, g, b) = over_white(style.color());
        if fill {
            self.content.set_fill_rgb(r, g, b).fill_nonzero();
        } else {
            self.content
                .set_stroke_rgb(r, g, b)
                .set_line_width(style.stroke_width() as f32)
                .stroke();
        }
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let (width, height) = self.estimate_text_size(text, style)?;
        let (width, height) = (width as f32, height as f32);
        let left = pos.0 as f32
            - match style.anchor().h_pos {
                HPos::Left => 0.0,
                HPos::Center => width / 2.0,
                HPos::Right => width,
            };
        let top = pos.1 as f32
            - match style.anchor().v_pos {
                VPos::Top => 0.0,
                VPos::Center => height / 2.0,
                VPos::Bottom => height,
            };
        let size = style.size() as f32;
        let font = if matches!(style.style(), FontStyle::Bold) {
            Name(b"F2")
        } else {
            Name(b"F1")
        };
        let encoded = win_ansi(text);
        self.fill(style.color());
        // The page is flipped (y down), so the text matrix flips back.
        self.content
            .begin_text()
            .set_font(font, size * EM)
            .set_text_matrix([1.0, 0.0, 0.0, -1.0, left, top + size * ASCENT])
            .show(Str(&encoded))
            .end_text();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_encoded_for_the_standard_fonts() {
        assert_eq!(
            win_ansi("Data · 5€ – ok"),
            b"Data \xB7 5\x80 \x96 ok".to_vec()
        );
        assert_eq!(win_ansi("Zürich"), b"Z\xFCrich".to_vec());
        assert_eq!(win_ansi("東京"), b"??".to_vec());
    }

    #[test]
    fn translucent_colours_are_mixed_with_the_white_page() {
        let half_black = BackendColor {
            alpha: 0.5,
            rgb: (0, 0, 0),
        };
        assert_eq!(over_white(half_black), (0.5, 0.5, 0.5));
    }
}
