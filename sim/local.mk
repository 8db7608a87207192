# sim/
