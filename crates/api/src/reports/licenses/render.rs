//! Widget images (PNG, SVG) and PDFs, drawn with plotters from the same data the widget
//! answers with. Each carries the widget's title, its filters and `dataAsOf`.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use shared::world;

use crate::error::ApiError;
use crate::reports::licenses::pdf::{self, PdfBackend};

/// The default image size in pixels.
pub const DEFAULT_SIZE: (u32, u32) = (1200, 675);
/// The smallest and largest image sizes a caller may ask for.
pub const MIN_SIZE: (u32, u32) = (600, 400);
/// The largest image size.
pub const MAX_SIZE: (u32, u32) = (2400, 1600);

static FONTS: Once = Once::new();

fn register_fonts() {
    FONTS.call_once(|| {
        let regular: &'static [u8] =
            include_bytes!("../../../assets/fonts/LiberationSans-Regular.ttf");
        let bold: &'static [u8] = include_bytes!("../../../assets/fonts/LiberationSans-Bold.ttf");
        for (style, bytes) in [(FontStyle::Normal, regular), (FontStyle::Bold, bold)] {
            if plotters::style::register_font("sans-serif", style, bytes).is_err() {
                tracing::error!("the bundled font does not load");
            }
        }
    });
}

/// A series of a trend chart.
pub struct Series {
    /// The legend label.
    pub name: String,
    /// One value per month.
    pub values: Vec<f64>,
    /// Its colour.
    pub color: RGBColor,
}

/// One bar pair of the Analysis chart.
pub struct BarRow {
    /// The row's label.
    pub label: String,
    /// Provisioned licenses.
    pub provisioned: i64,
    /// Assigned licenses.
    pub assigned: i64,
    /// The text after the bars (shares, change).
    pub note: String,
}

/// A country of the map and table.
pub struct MapValue {
    /// ISO alpha-2 code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Provisioned licenses (the shading).
    pub provisioned: i64,
    /// Assigned licenses.
    pub assigned: i64,
}

/// What a widget shows below its header.
pub enum Body {
    /// Headline figures beside a month-over-month line chart.
    Trend {
        /// Label and value pairs, shown large.
        headline: Vec<(String, String)>,
        /// Month labels.
        months: Vec<String>,
        /// The lines.
        series: Vec<Series>,
    },
    /// Horizontal bar pairs (provisioned, assigned).
    Bars(Vec<BarRow>),
    /// A shaded world map with a table of the top countries.
    Map(Vec<MapValue>),
}

/// A widget as drawn: header lines and body.
pub struct Figure {
    /// The widget title.
    pub title: String,
    /// The filters, one line.
    pub filters: String,
    /// "Data as of ..." line.
    pub data_as_of: String,
    /// The chart.
    pub body: Body,
}

/// Blue of provisioned licenses.
pub const PROVISIONED: RGBColor = RGBColor(0x1f, 0x6f, 0xc5);
/// Orange of assigned licenses.
pub const ASSIGNED: RGBColor = RGBColor(0xe0, 0x7b, 0x1a);
const INK: RGBColor = RGBColor(0x20, 0x24, 0x2a);
const MUTED: RGBColor = RGBColor(0x5b, 0x63, 0x6e);
const GRID: RGBColor = RGBColor(0xdd, 0xe1, 0xe6);
const NO_DATA: RGBColor = RGBColor(0xe4, 0xe6, 0xea);

fn fail(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("drawing a widget: {e}"))
}

/// The figure as a PNG of `size` pixels.
pub fn png(figure: &Figure, size: (u32, u32)) -> Result<Vec<u8>, ApiError> {
    register_fonts();
    let mut rgb = vec![0u8; (size.0 * size.1 * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
        draw(&root, figure).map_err(fail)?;
        root.present().map_err(fail)?;
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, size.0, size.1);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(&rgb).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
}

/// The figure as an SVG document of `size` pixels.
pub fn svg(figure: &Figure, size: (u32, u32)) -> Result<String, ApiError> {
    register_fonts();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        draw(&root, figure).map_err(fail)?;
        root.present().map_err(fail)?;
    }
    Ok(out)
}

/// The figure as a one-page PDF (vector, text as text).
pub fn pdf(figure: &Figure) -> Result<Vec<u8>, ApiError> {
    register_fonts();
    let mut content = pdf::page_content(DEFAULT_SIZE);
    {
        let root = PdfBackend::new(DEFAULT_SIZE, &mut content).into_drawing_area();
        draw(&root, figure).map_err(fail)?;
        root.present().map_err(fail)?;
    }
    Ok(pdf::document(content, DEFAULT_SIZE, &figure.title))
}

type Area<DB> = DrawingArea<DB, Shift>;
type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn text_style(size: f64, color: RGBColor) -> TextStyle<'static> {
    FontDesc::new(FontFamily::SansSerif, size, FontStyle::Normal).color(&color)
}

fn bold_style(size: f64, color: RGBColor) -> TextStyle<'static> {
    // `FontDesc::style` keeps the regular face's glyphs; a bold face is chosen at creation.
    FontDesc::new(FontFamily::SansSerif, size, FontStyle::Bold).color(&color)
}

/// Shortens `text` to `max` characters with an ellipsis.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}

fn draw<DB: DrawingBackend>(root: &Area<DB>, figure: &Figure) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    let scale = f64::from(w) / 1200.0;
    let px = |v: f64| (v * scale) as i32;
    root.draw(&Text::new(
        figure.title.clone(),
        (px(28.0), px(20.0)),
        bold_style(30.0 * scale, INK),
    ))?;
    root.draw(&Text::new(
        clip(&figure.filters, 150),
        (px(28.0), px(62.0)),
        text_style(16.0 * scale, MUTED),
    ))?;
    root.draw(&Text::new(
        figure.data_as_of.clone(),
        (px(28.0), px(86.0)),
        text_style(15.0 * scale, MUTED),
    ))?;
    root.draw(&PathElement::new(
        vec![(px(28.0), px(114.0)), (w as i32 - px(28.0), px(114.0))],
        GRID.stroke_width(1),
    ))?;
    let body = root.margin(px(124.0), px(20.0), px(28.0), px(28.0));
    let _ = h;
    match &figure.body {
        Body::Trend {
            headline,
            months,
            series,
        } => trend(&body, scale, headline, months, series),
        Body::Bars(rows) => bars(&body, scale, rows),
        Body::Map(values) => map(&body, scale, values),
    }
}

fn no_data<DB: DrawingBackend>(area: &Area<DB>, scale: f64) -> Drawn<DB> {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        "No data for these filters".to_owned(),
        ((w / 2) as i32, (h / 2) as i32),
        text_style(22.0 * scale, MUTED).pos(Pos::new(HPos::Center, VPos::Center)),
    ))
}

fn trend<DB: DrawingBackend>(
    area: &Area<DB>,
    scale: f64,
    headline: &[(String, String)],
    months: &[String],
    series: &[Series],
) -> Drawn<DB> {
    let (left, right) = area.split_horizontally((260.0 * scale) as u32);
    for (i, (label, value)) in headline.iter().enumerate() {
        let y = (i as f64 * 96.0 * scale) as i32 + (10.0 * scale) as i32;
        left.draw(&Text::new(
            label.clone(),
            (0, y),
            text_style(17.0 * scale, MUTED),
        ))?;
        left.draw(&Text::new(
            value.clone(),
            (0, y + (24.0 * scale) as i32),
            bold_style(42.0 * scale, INK),
        ))?;
    }
    if months.is_empty() {
        return no_data(&right, scale);
    }
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0_f64, f64::max);
    let top = if max <= 0.0 { 1.0 } else { max * 1.15 };
    let n = months.len();
    let mut chart = ChartBuilder::on(&right)
        .margin((10.0 * scale) as i32)
        .x_label_area_size((40.0 * scale) as i32)
        .y_label_area_size((70.0 * scale) as i32)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..top)?;
    let labels = months.to_vec();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .y_labels(6)
        .x_labels(n.min(12))
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 0.01 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| format!("{y:.0}"))
        .label_style(text_style(14.0 * scale, MUTED))
        .axis_style(MUTED)
        .draw()?;
    for s in series {
        let color = s.color;
        chart
            .draw_series(LineSeries::new(
                s.values.iter().enumerate().map(|(i, v)| (i as f64, *v)),
                color.stroke_width((3.0 * scale).max(1.0) as u32),
            ))?
            .label(s.name.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
            });
        chart.draw_series(
            s.values
                .iter()
                .enumerate()
                .map(|(i, v)| Circle::new((i as f64, *v), (4.0 * scale) as u32, color.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(GRID)
        .label_font(text_style(15.0 * scale, INK))
        .draw()?;
    Ok(())
}

fn bars<DB: DrawingBackend>(area: &Area<DB>, scale: f64, rows: &[BarRow]) -> Drawn<DB> {
    if rows.is_empty() {
        return no_data(area, scale);
    }
    let (w, h) = area.dim_in_pixel();
    let label_width = 380.0 * scale;
    let note_width = 250.0 * scale;
    let bar_space = (f64::from(w) - label_width - note_width).max(10.0);
    let legend_h = 30.0 * scale;
    let row_h = ((f64::from(h) - legend_h) / rows.len() as f64).min(60.0 * scale);
    let bar_h = (row_h * 0.34).max(2.0);
    let max = rows
        .iter()
        .map(|r| r.provisioned.max(r.assigned))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    for (i, (name, color)) in [("Provisioned", PROVISIONED), ("Assigned", ASSIGNED)]
        .iter()
        .enumerate()
    {
        let x = (label_width + i as f64 * 160.0 * scale) as i32;
        area.draw(&Rectangle::new(
            [
                (x, 4),
                (x + (16.0 * scale) as i32, 4 + (16.0 * scale) as i32),
            ],
            color.filled(),
        ))?;
        area.draw(&Text::new(
            name.to_string(),
            (x + (24.0 * scale) as i32, 3),
            text_style(15.0 * scale, INK),
        ))?;
    }
    for (i, row) in rows.iter().enumerate() {
        let y = legend_h + i as f64 * row_h;
        area.draw(&Text::new(
            clip(&row.label, 44),
            (0, (y + row_h / 2.0) as i32),
            text_style(15.0 * scale, INK).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        for (j, (value, color)) in [(row.provisioned, PROVISIONED), (row.assigned, ASSIGNED)]
            .iter()
            .enumerate()
        {
            let top = y + row_h * 0.14 + j as f64 * bar_h;
            let len = (*value as f64 / max * bar_space).max(1.0);
            area.draw(&Rectangle::new(
                [
                    (label_width as i32, top as i32),
                    ((label_width + len) as i32, (top + bar_h - 1.0) as i32),
                ],
                color.filled(),
            ))?;
            area.draw(&Text::new(
                value.to_string(),
                (
                    (label_width + len + 6.0 * scale) as i32,
                    (top + bar_h / 2.0) as i32,
                ),
                text_style(12.0 * scale, MUTED).pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        area.draw(&Text::new(
            row.note.clone(),
            (w as i32, (y + row_h / 2.0) as i32),
            text_style(13.0 * scale, MUTED).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    Ok(())
}

/// The shade of a country with `value` of `max`: from light to dark blue.
pub fn shade(value: i64, max: i64) -> RGBColor {
    if value <= 0 || max <= 0 {
        return NO_DATA;
    }
    let t = (value as f64 / max as f64).sqrt().clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(mix(0xc6, 0x0b), mix(0xdb, 0x3d), mix(0xf2, 0x8a))
}

fn map<DB: DrawingBackend>(area: &Area<DB>, scale: f64, values: &[MapValue]) -> Drawn<DB> {
    let (w, _) = area.dim_in_pixel();
    let (map_area, table) = area.split_horizontally((f64::from(w) * 0.68) as u32);
    let (mw, mh) = map_area.dim_in_pixel();
    let k = (f64::from(mw) / world::MAP_WIDTH).min(f64::from(mh - 40) / world::MAP_HEIGHT);
    let max = values.iter().map(|v| v.provisioned).max().unwrap_or(0);
    for (code, path) in world::country_paths() {
        let value = values
            .iter()
            .find(|v| v.code == code)
            .map_or(0, |v| v.provisioned);
        let color = shade(value, max);
        for ring in world::rings(path) {
            let points: Vec<(i32, i32)> = ring
                .iter()
                .map(|(x, y)| ((x * k) as i32, (y * k) as i32))
                .collect();
            map_area.draw(&Polygon::new(points.clone(), color.filled()))?;
            let mut outline = points;
            if let Some(first) = outline.first().copied() {
                outline.push(first);
            }
            map_area.draw(&PathElement::new(outline, WHITE.stroke_width(1)))?;
        }
    }
    // The scale: light to dark.
    let y = (world::MAP_HEIGHT * k) as i32 + (14.0 * scale) as i32;
    let steps = 10;
    for i in 0..steps {
        let x = (i as f64 * 24.0 * scale) as i32;
        let v = ((i + 1) as f64 / steps as f64 * max as f64).ceil() as i64;
        map_area.draw(&Rectangle::new(
            [
                (x, y),
                (x + (24.0 * scale) as i32, y + (12.0 * scale) as i32),
            ],
            shade(v, max).filled(),
        ))?;
    }
    map_area.draw(&Text::new(
        format!("Licenses provisioned: 1 to {max}"),
        ((steps as f64 * 24.0 * scale + 10.0 * scale) as i32, y - 1),
        text_style(13.0 * scale, MUTED),
    ))?;
    if values.is_empty() {
        return no_data(&table, scale);
    }
    let (tw, _) = table.dim_in_pixel();
    let x0 = (16.0 * scale) as i32;
    let col1 = tw as i32 - (110.0 * scale) as i32;
    let col2 = tw as i32;
    let header = bold_style(14.0 * scale, INK);
    table.draw(&Text::new(
        "Country/region".to_owned(),
        (x0, 0),
        header.clone(),
    ))?;
    table.draw(&Text::new(
        "Provisioned".to_owned(),
        (col1, 0),
        header.clone().pos(Pos::new(HPos::Right, VPos::Top)),
    ))?;
    table.draw(&Text::new(
        "Assigned".to_owned(),
        (col2, 0),
        header.pos(Pos::new(HPos::Right, VPos::Top)),
    ))?;
    for (i, v) in values.iter().take(14).enumerate() {
        let y = ((i as f64 + 1.0) * 28.0 * scale) as i32;
        let style = text_style(14.0 * scale, INK);
        table.draw(&Text::new(clip(&v.name, 22), (x0, y), style.clone()))?;
        table.draw(&Text::new(
            v.provisioned.to_string(),
            (col1, y),
            style.clone().pos(Pos::new(HPos::Right, VPos::Top)),
        ))?;
        table.draw(&Text::new(
            v.assigned.to_string(),
            (col2, y),
            style.pos(Pos::new(HPos::Right, VPos::Top)),
        ))?;
    }
    if values.len() > 14 {
        table.draw(&Text::new(
            format!("and {} more", values.len() - 14),
            (x0, (15.0 * 28.0 * scale) as i32),
            text_style(13.0 * scale, MUTED),
        ))?;
    }
    Ok(())
}
