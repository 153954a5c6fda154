"""知识竞赛 / 每日一题: a question bank, group pushes, scored answers, practice and leaderboards."""
