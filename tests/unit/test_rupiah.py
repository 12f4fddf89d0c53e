from portal.web.templating import rupiah


def test_rupiah_is_written_the_indonesian_way_in_whole_rupiah():
    assert rupiah(16_800) == "Rp 16.800"
    assert rupiah(2_352_000_000) == "Rp 2.352.000.000"
    assert rupiah(0) == "Rp 0"
    assert rupiah(1_234.6) == "Rp 1.235"  # no sen on the pages
