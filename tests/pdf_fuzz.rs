//! The `pdf_ingest` fuzz target's body (fuzz/fuzz_targets/pdf_ingest.rs) on a stable
//! toolchain: mutations of built PDFs, for `FAZHI_PDF_FUZZ_SECS` seconds (default 3). Every
//! input either gives non-empty text or an error naming the file, never panics, and each
//! takes well under the time limit (work is bounded by the input size limit).

mod pdf_support;

use std::path::Path;
use std::time::{Duration, Instant};

use fazhi::ingest::{document_from_bytes, IngestOptions, InputKind};
use pdf_support::{chromium_present, encrypted, print_to_pdf, report_html, scan_pdf, text_pdf};

/// The fuzz target's body.
fn check(bytes: &[u8]) {
    let opts = IngestOptions {
        max_bytes: 1 << 20,
        ..IngestOptions::default()
    };
    match document_from_bytes(Path::new("fuzz.pdf"), InputKind::Pdf, bytes, &opts) {
        Ok(doc) => assert!(!doc.text.trim().is_empty()),
        Err(e) => assert!(e.to_string().starts_with("fuzz.pdf: "), "{e}"),
    }
}

/// xorshift64*: seeded, so a failure is reproduced by its iteration number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).expect("fits")
    }
}

/// Tokens that steer mutations into the parser's corners.
const TOKENS: [&[u8]; 16] = [
    b" 0 R",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"/Parent 3 0 R",
    b"/Kids [3 0 R]",
    b"/Length 99999999",
    b"/Filter /FlateDecode",
    b"BT /F1 12 Tf",
    b" Tj ET",
    b"q 1 0 0 1 0 0 cm",
    b"Q",
    b"endobj",
    b"stream\n",
    b"-1e308",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(b.len());
        match rng.below(6) {
            0 => {
                if let Some(x) = b.get_mut(at) {
                    *x ^= 1 << rng.below(8);
                }
            }
            1 => b.truncate(at),
            2 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                let times = 1 + rng.below(200);
                for _ in 0..times {
                    b.splice(at..at, token.iter().copied());
                }
            }
            3 => {
                let len = rng.below(256).min(b.len() - at.min(b.len()));
                let chunk = b[at..at + len].to_vec();
                let to = rng.below(b.len());
                b.splice(to..to, chunk);
            }
            4 => {
                // Change a number: sizes, offsets, object numbers, coordinates.
                if let Some(p) = b[at..].iter().position(u8::is_ascii_digit) {
                    let digits = [b'0', b'9', b'7'];
                    b[at + p] = digits[rng.below(digits.len())];
                }
            }
            _ => {
                let len = rng.below(64);
                let to = at.min(b.len());
                let end = (to + len).min(b.len());
                b.drain(to..end);
            }
        }
    }
    b
}

#[test]
fn pdf_reader_survives_mutated_pdfs() {
    let secs: u64 = std::env::var("FAZHI_PDF_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let text = text_pdf(&[
        vec![
            (72.0, 770.0, 12.0, "某县2023年法治政府建设年度报告"),
            (72.0, 752.0, 12.0, "全年共收到行政复议申请91件，受理73件。"),
        ],
        vec![(72.0, 770.0, 12.0, "办理法律援助案件1,234件。")],
    ]);
    let mut seeds = vec![
        text.clone(),
        scan_pdf(),
        encrypted(&text, ""),
        encrypted(&text, "secret"),
    ];
    // A real producer's file too: compressed object and cross-reference streams, subset
    // fonts with their Unicode maps.
    if chromium_present("mutating a PDF printed by Chromium") {
        let dir = tempfile::tempdir().expect("tempdir");
        let (page, pdf) = (dir.path().join("seed.html"), dir.path().join("seed.pdf"));
        let report = "某县2023年法治政府建设年度报告\n全年共收到行政复议申请91件，受理73件。\n";
        std::fs::write(&page, report_html(report, "105mm 180mm")).expect("page");
        print_to_pdf(&page, &pdf);
        seeds.push(std::fs::read(&pdf).expect("seed"));
    }
    for seed in &seeds {
        check(seed);
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let start = Instant::now();
    let mut runs = 0u64;
    let mut slowest = Duration::ZERO;
    while start.elapsed() < Duration::from_secs(secs) {
        let seed = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed);
        let t = Instant::now();
        check(&input);
        let took = t.elapsed();
        slowest = slowest.max(took);
        assert!(
            took < Duration::from_secs(5),
            "iteration {runs}: {} bytes took {took:?}",
            input.len()
        );
        runs += 1;
    }
    eprintln!(
        "pdf_ingest body: {runs} mutated inputs in {:.1} s, slowest {slowest:?}, no failure",
        start.elapsed().as_secs_f64()
    );
}
