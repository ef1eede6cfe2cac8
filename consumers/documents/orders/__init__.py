"""What every flow about orders shares: the order snapshot as documents see it (:mod:`.context`,
:mod:`.snapshot`), which transactions are money received (:mod:`.payments`) and the routing facts of an
order (:mod:`.facts`). Pure: no I/O."""
