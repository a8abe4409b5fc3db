"""Memo: a process's bounded memory of worked-out values."""

from mapper.memo import Memo


def test_a_memo_remembers_and_empties_itself_when_full():
    m = Memo(3)
    assert m.put("a", 1) == 1 and m.get("a") == 1
    m.put("b", 2)
    m.put("c", 3)
    assert len(m) == 3
    m.put("d", 4)  # full: it starts again with what is named now
    assert dict(m) == {"d": 4}


def test_writing_a_key_again_keeps_the_newest_value():
    m = Memo(10)
    m.put("a", 1)
    m.put("a", 2)
    assert m["a"] == 2 and len(m) == 1
