// Scores every password of a file (one JSON string per line) with zxcvbn
// (required from NODE_PATH, version 4.4.2 as scripts/bench-guess.sh installs)
// and prints {"n":..,"score":[count of score 0..4]}.
const fs = require("fs");
const zxcvbn = require("zxcvbn");
const lines = fs.readFileSync(process.argv[2], "utf8").split("\n").filter((l) => l !== "");
const score = [0, 0, 0, 0, 0];
for (const l of lines) score[zxcvbn(JSON.parse(l)).score]++;
process.stdout.write(JSON.stringify({ n: lines.length, score }) + "\n");
