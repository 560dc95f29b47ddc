;; The re-score's passes over every cached pair (score-share.ts: scoreRows, groupBest, collectRest) in WebAssembly,
;; for its 128-bit SIMD: a pair's eight features are 16 bytes, one vector, and its weighted sum four two-lane
;; multiplies. In JavaScript the scoring pass cost 13-18 ns a pair at 400,000 users (10.7 M pairs, the what-if's
;; largest part) and V8 would not go below ~12 for the loop stripped down; here 9 (57 ms for 6.1 M pairs).
;;
;; Source of score-wasm.ts: `npm run build:wasm` (scripts/build-wasm.mjs) compiles it, and a test fails when the two
;; differ. Every pointer is a byte offset into the memory the arrays were allocated in (score-memory.ts).
(module
  (import "engine" "memory" (memory 1 65536 shared))

  ;; Scores rows [rowFirst, rowEnd) of the cached pairs (a row's pairs share user a) as scoreRows documents:
  ;; per pair its key (or -1 when it does not qualify) into pairKey (indexed from the rows' first pair), the coarse
  ;; bucket counts into counts[(key >> 10) + 1], and with `bests` each user's best value and level. Returns how
  ;; many pairs qualify. The value is the sum pairValue takes, in its order:
  ;;   ((w0 f0 + w2 f2) + (w4 f4 + w6 f6)) + ((w1 f1 + w3 f3) + (w5 f5 + w7 f7))
  ;; (lane 0 and lane 1 of the two-lane sums), so a value computed later is the value ranked here, to the bit.
  (func (export "scoreRows")
    (param $rowStart i32) (param $userA i32) (param $userB i32) (param $sharedPlaces i32) (param $features i32)
    (param $level i32) (param $best i32) (param $pairKey i32) (param $counts i32)
    (param $w0 f64) (param $w1 f64) (param $w2 f64) (param $w3 f64)
    (param $w4 f64) (param $w5 f64) (param $w6 f64) (param $w7 f64)
    (param $rowFirst i32) (param $rowEnd i32) (param $minScore f64) (param $minShared i32) (param $bests i32)
    (result i32)
    (local $w01 v128) (local $w23 v128) (local $w45 v128) (local $w67 v128)
    (local $fv v128) (local $lo v128) (local $hi v128) (local $sum v128)
    (local $r i32) (local $first i32) (local $end i32) (local $i i32) (local $firstPair i32) (local $entries i32)
    (local $u i32) (local $v i32) (local $levelU i32) (local $levelV i32) (local $levelS i32)
    (local $bestU f64) (local $bestKeyU i32) (local $s f64) (local $x f64) (local $key i32)
    (local $keyAt i32) (local $countAt i32)
    (local.set $w01 (f64x2.replace_lane 1 (f64x2.splat (local.get $w0)) (local.get $w1)))
    (local.set $w23 (f64x2.replace_lane 1 (f64x2.splat (local.get $w2)) (local.get $w3)))
    (local.set $w45 (f64x2.replace_lane 1 (f64x2.splat (local.get $w4)) (local.get $w5)))
    (local.set $w67 (f64x2.replace_lane 1 (f64x2.splat (local.get $w6)) (local.get $w7)))
    (local.set $firstPair (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $rowFirst) (i32.const 2)))))
    (local.set $r (local.get $rowFirst))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rowEnd)))
        (local.set $first (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $rows (i32.eq (local.get $first) (local.get $end)))
        (local.set $u (i32.load (i32.add (local.get $userA) (i32.shl (local.get $first) (i32.const 2)))))
        (local.set $levelU (i32.load8_u (i32.add (local.get $level) (local.get $u))))
        ;; User a may not be introduced (level 0): the row's keys are all -1 (bytes 0xff).
        (if (i32.eqz (local.get $levelU))
          (then
            (memory.fill
              (i32.add (local.get $pairKey) (i32.shl (i32.sub (local.get $first) (local.get $firstPair)) (i32.const 2)))
              (i32.const 255)
              (i32.shl (i32.sub (local.get $end) (local.get $first)) (i32.const 2)))
            (br $rows)))
        (local.set $bestU (f64.load (i32.add (local.get $best) (i32.shl (local.get $u) (i32.const 3)))))
        (local.set $bestKeyU (i32.const 1000001)) ;; MAX_KEY + 1: none yet
        (local.set $i (local.get $first))
        (loop $pairs
          (local.set $keyAt
            (i32.add (local.get $pairKey) (i32.shl (i32.sub (local.get $i) (local.get $firstPair)) (i32.const 2))))
          (local.set $v (i32.load (i32.add (local.get $userB) (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $levelV (i32.load8_u (i32.add (local.get $level) (local.get $v))))
          (block $done
            (block $skip
              (br_if $skip (i32.eqz (local.get $levelV)))
              (br_if $skip
                (i32.lt_s (i32.load (i32.add (local.get $sharedPlaces) (i32.shl (local.get $i) (i32.const 2))))
                          (local.get $minShared)))
              ;; The eight 16-bit steps, widened to 32 bits (f0-f3, f4-f7), then two at a time to doubles: as signed
              ;; numbers (a step is at most 62,500), one instruction on x86-64 where the unsigned conversion takes a
              ;; sequence (the pass took 82 ms for 6.1 M pairs with it, 57 without).
              (local.set $fv (v128.load (i32.add (local.get $features) (i32.shl (local.get $i) (i32.const 4)))))
              (local.set $lo (i32x4.extend_low_i16x8_u (local.get $fv)))
              (local.set $hi (i32x4.extend_high_i16x8_u (local.get $fv)))
              (local.set $sum
                (f64x2.add
                  (f64x2.add
                    (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $lo)) (local.get $w01))
                    (f64x2.mul
                      (f64x2.convert_low_i32x4_s
                        (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $lo) (local.get $lo)))
                      (local.get $w23)))
                  (f64x2.add
                    (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $hi)) (local.get $w45))
                    (f64x2.mul
                      (f64x2.convert_low_i32x4_s
                        (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $hi) (local.get $hi)))
                      (local.get $w67)))))
              (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $sum)) (f64x2.extract_lane 1 (local.get $sum))))
              (br_if $skip (f64.lt (local.get $s) (local.get $minScore)))
              ;; key = max(0, MAX_KEY - quantise(s * QUANTA)); quantise for x >= 0 (weights and steps are): x < 0.5
              ;; rounds to 0, else x + 0.5 truncated (saturating: no trap to check for, x is at most ~10^6).
              (local.set $x (f64.mul (local.get $s) (f64.const 10000)))
              (local.set $key
                (i32.sub (i32.const 1000000)
                  (select (i32.trunc_sat_f64_s (f64.add (local.get $x) (f64.const 0.5))) (i32.const 0)
                    (f64.ge (local.get $x) (f64.const 0.5)))))
              (local.set $key (select (local.get $key) (i32.const 0) (i32.gt_s (local.get $key) (i32.const 0))))
              (if (local.get $bests)
                (then
                  (local.set $bestU (f64.max (local.get $bestU) (local.get $s)))
                  (local.set $bestKeyU
                    (select (local.get $bestKeyU) (local.get $key) (i32.lt_s (local.get $bestKeyU) (local.get $key))))
                  ;; levelS = max(NO_PAIR_YET, 255 - (key >> LEVEL_SHIFT)); b's best is read only when it can rise.
                  (local.set $levelS (i32.sub (i32.const 255) (i32.shr_s (local.get $key) (i32.const 12))))
                  (local.set $levelS
                    (select (local.get $levelS) (i32.const 1) (i32.gt_s (local.get $levelS) (i32.const 1))))
                  (if (i32.ge_s (local.get $levelS) (local.get $levelV))
                    (then
                      (if (f64.gt (local.get $s)
                                  (f64.load (i32.add (local.get $best) (i32.shl (local.get $v) (i32.const 3)))))
                        (then
                          (f64.store (i32.add (local.get $best) (i32.shl (local.get $v) (i32.const 3))) (local.get $s))
                          (i32.store8 (i32.add (local.get $level) (local.get $v)) (local.get $levelS))))))))
              (i32.store (local.get $keyAt) (local.get $key))
              (local.set $countAt
                (i32.add (local.get $counts)
                  (i32.shl (i32.add (i32.shr_s (local.get $key) (i32.const 10)) (i32.const 1)) (i32.const 2))))
              (i32.store (local.get $countAt) (i32.add (i32.load (local.get $countAt)) (i32.const 1)))
              (local.set $entries (i32.add (local.get $entries) (i32.const 1)))
              (br $done))
            (i32.store (local.get $keyAt) (i32.const -1)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $pairs (i32.lt_u (local.get $i) (local.get $end))))
        (f64.store (i32.add (local.get $best) (i32.shl (local.get $u) (i32.const 3))) (local.get $bestU))
        (if (i32.le_s (local.get $bestKeyU) (i32.const 1000000))
          (then
            (local.set $levelS (i32.sub (i32.const 255) (i32.shr_s (local.get $bestKeyU) (i32.const 12))))
            (i32.store8 (i32.add (local.get $level) (local.get $u))
              (select (local.get $levelU) (local.get $levelS) (i32.gt_s (local.get $levelU) (local.get $levelS))))))
        (br $rows)))
    (local.get $entries))

  ;; Groups the pairs [firstPair, endPair) whose key is below cutKey by coarse bucket, stable (score-share.ts
  ;; groupBest): counts[c] is where bucket c's next entry goes (the caller's prefix sums), each entry four i32s
  ;; (pair, user a, user b, fine key) from `bucket`.
  (func (export "groupBest")
    (param $pairKey i32) (param $userA i32) (param $userB i32) (param $counts i32) (param $bucket i32)
    (param $firstPair i32) (param $endPair i32) (param $cutKey i32)
    (local $i i32) (local $key i32) (local $countAt i32) (local $n i32) (local $at i32)
    (local.set $i (local.get $firstPair))
    (block $done
      (br_if $done (i32.ge_u (local.get $i) (local.get $endPair)))
      (loop $pairs
        (local.set $key
          (i32.load (i32.add (local.get $pairKey) (i32.shl (i32.sub (local.get $i) (local.get $firstPair)) (i32.const 2)))))
        ;; A pair that does not qualify (-1) is past every cut as an unsigned number.
        (if (i32.lt_u (local.get $key) (local.get $cutKey))
          (then
            (local.set $countAt (i32.add (local.get $counts) (i32.shl (i32.shr_u (local.get $key) (i32.const 10)) (i32.const 2))))
            (local.set $n (i32.load (local.get $countAt)))
            (i32.store (local.get $countAt) (i32.add (local.get $n) (i32.const 1)))
            (local.set $at (i32.add (local.get $bucket) (i32.shl (local.get $n) (i32.const 4))))
            (i32.store (local.get $at) (local.get $i))
            (i32.store offset=4 (local.get $at) (i32.load (i32.add (local.get $userA) (i32.shl (local.get $i) (i32.const 2)))))
            (i32.store offset=8 (local.get $at) (i32.load (i32.add (local.get $userB) (i32.shl (local.get $i) (i32.const 2)))))
            (i32.store offset=12 (local.get $at) (i32.and (local.get $key) (i32.const 1023)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $pairs (i32.lt_u (local.get $i) (local.get $endPair))))))

  ;; The survivors past the greedy's cut of rows [rowFirst, rowEnd) (score-share.ts collectRest): the pairs whose key
  ;; is cutKey or more and whose users are both free (matched 0), in pair order, four i32s each (pair, user a, user b,
  ;; key) from `bucket`; a row whose user a is taken is skipped whole. Returns how many.
  (func (export "collectRest")
    (param $rowStart i32) (param $userA i32) (param $userB i32) (param $pairKey i32) (param $matched i32)
    (param $bucket i32) (param $rowFirst i32) (param $rowEnd i32) (param $cutKey i32)
    (result i32)
    (local $r i32) (local $first i32) (local $end i32) (local $i i32) (local $firstPair i32)
    (local $u i32) (local $v i32) (local $key i32) (local $at i32) (local $found i32)
    (local.set $firstPair (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $rowFirst) (i32.const 2)))))
    (local.set $r (local.get $rowFirst))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rowEnd)))
        (local.set $first (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $rows (i32.eq (local.get $first) (local.get $end)))
        (local.set $u (i32.load (i32.add (local.get $userA) (i32.shl (local.get $first) (i32.const 2)))))
        (br_if $rows (i32.load8_u (i32.add (local.get $matched) (local.get $u))))
        (local.set $i (local.get $first))
        (loop $pairs
          (local.set $key
            (i32.load (i32.add (local.get $pairKey) (i32.shl (i32.sub (local.get $i) (local.get $firstPair)) (i32.const 2)))))
          ;; Signed: a pair that does not qualify (-1) is below every cut.
          (if (i32.ge_s (local.get $key) (local.get $cutKey))
            (then
              (local.set $v (i32.load (i32.add (local.get $userB) (i32.shl (local.get $i) (i32.const 2)))))
              (if (i32.eqz (i32.load8_u (i32.add (local.get $matched) (local.get $v))))
                (then
                  (local.set $at (i32.add (local.get $bucket) (i32.shl (local.get $found) (i32.const 4))))
                  (i32.store (local.get $at) (local.get $i))
                  (i32.store offset=4 (local.get $at) (local.get $u))
                  (i32.store offset=8 (local.get $at) (local.get $v))
                  (i32.store offset=12 (local.get $at) (local.get $key))
                  (local.set $found (i32.add (local.get $found) (i32.const 1)))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $pairs (i32.lt_u (local.get $i) (local.get $end))))
        (br $rows)))
    (local.get $found))
)
